/** What only editors need, one chunk: the pickers (dates, options, people, projects) and the save messages. */
export { PickerEditor } from './PickerEditor';
export { BannerMessage } from './BannerMessage';
