import { token } from '@atlaskit/tokens';
import type { ReactNode } from 'react';

type Appearance = 'information' | 'warning' | 'error' | 'success';

const LOOK: Readonly<Record<Appearance, { readonly background: string; readonly icon: string; readonly glyph: string; readonly glyphColour: string }>> = {
  information: { background: token('color.background.information'), icon: token('color.icon.information'), glyph: 'i', glyphColour: token('color.text.inverse') },
  warning: { background: token('color.background.warning'), icon: token('color.icon.warning'), glyph: '!', glyphColour: token('color.text.warning.inverse') },
  error: { background: token('color.background.danger'), icon: token('color.icon.danger'), glyph: '!', glyphColour: token('color.text.inverse') },
  success: { background: token('color.background.success'), icon: token('color.icon.success'), glyph: '✓', glyphColour: token('color.text.inverse') },
};

/**
 * A message in a page, drawn as Atlaskit's section message is (tinted box, round icon, optional
 * title), without its code: the section message brings tooltips and popups along (its dismiss
 * button), about 20 KB gzip a page does not need to show itself (the editors and dialogs, loaded
 * later, use the real one).
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
        style={{ display: 'inline-grid', placeItems: 'center', flex: 'none', width: 20, height: 20, borderRadius: '50%', background: look.icon, color: look.glyphColour, font: token('font.body.small'), fontWeight: token('font.weight.bold') }}
      />
      <div style={{ minWidth: 0 }}>
        {title ? <h2 style={{ margin: `0 0 ${token('space.050')}`, font: token('font.heading.xsmall'), color: token('color.text') }}>{title}</h2> : null}
        <div style={{ font: token('font.body') }}>{children}</div>
      </div>
    </section>
  );
}
