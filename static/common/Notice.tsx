import { token } from '@atlaskit/tokens';
import type { ReactNode } from 'react';

type Appearance = 'information' | 'error';

const LOOK: Readonly<Record<Appearance, { readonly background: string; readonly icon: string; readonly glyph: string }>> = {
  information: { background: token('color.background.information'), icon: token('color.icon.information'), glyph: 'i' },
  error: { background: token('color.background.danger'), icon: token('color.icon.danger'), glyph: '!' },
};

/**
 * A message in a page, drawn as Atlaskit's section message is (tinted box, round icon, optional
 * title), without its code: the section message brings tooltips and popups along, which a page
 * does not need to show itself (they are for the editors and dialogs, loaded later).
 */
export function Notice({ appearance, title, children, testId }: { readonly appearance: Appearance; readonly title?: string; readonly children: ReactNode; readonly testId?: string }) {
  const look = LOOK[appearance];
  return (
    <section
      data-testid={testId}
      aria-label={title}
      style={{ display: 'flex', gap: token('space.200'), padding: token('space.200'), borderRadius: token('radius.small', '4px'), background: look.background, color: token('color.text') }}
    >
      <span
        aria-hidden="true"
        className="notice-icon"
        data-glyph={look.glyph}
        style={{ display: 'inline-grid', placeItems: 'center', flex: 'none', width: 20, height: 20, borderRadius: '50%', background: look.icon, color: token('color.text.inverse'), font: token('font.body.small'), fontWeight: token('font.weight.bold') }}
      />
      <div style={{ minWidth: 0 }}>
        {title ? <h2 style={{ margin: `0 0 ${token('space.050')}`, font: token('font.heading.xsmall'), color: token('color.text') }}>{title}</h2> : null}
        <div style={{ font: token('font.body') }}>{children}</div>
      </div>
    </section>
  );
}
