import SectionMessage, { SectionMessageAction } from '@atlaskit/section-message';
import type { Banner } from './use-project-fields';

const names = (list: readonly string[]) => list.join(', ');

/** The one message above the fields about the last save: stale, rebased, or not saved. */
export function BannerMessage({ banner, reloading, onReload }: { readonly banner: Banner; readonly reloading: boolean; readonly onReload: () => void }) {
  switch (banner.kind) {
    case 'stale':
      return (
        <SectionMessage
          appearance="warning"
          title="Someone else saved these fields while you were editing"
          testId="stale-message"
          actions={<SectionMessageAction onClick={reloading ? undefined : onReload}>{reloading ? 'Loading their changes…' : 'Load their changes'}</SectionMessageAction>}
        >
          <p>Nothing was saved, so their changes are not overwritten. Your edits are still on this page: load their changes, check the fields, then save again. Edits to fields they did not change are kept.</p>
        </SectionMessage>
      );
    case 'rebased':
      return (
        <SectionMessage appearance="information" title="These are the latest values" testId="rebased-message">
          {banner.kept.length > 0 ? <p>Your unsaved edits to {names(banner.kept)} are kept: save when ready.</p> : null}
          {banner.dropped.length > 0 ? <p>Someone else changed {names(banner.dropped)}, so your edits there were replaced by their values.</p> : null}
        </SectionMessage>
      );
    case 'not-saved':
      return (
        <SectionMessage appearance="error" title="Nothing was saved" testId="save-error">
          <p>{banner.message}</p>
        </SectionMessage>
      );
  }
}
