/** What only editors need, one chunk loaded by ProjectPage: the field editors and the save messages. */
export { FieldEditor } from './FieldEditor';
export { BannerMessage } from './BannerMessage';
