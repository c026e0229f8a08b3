import Spinner from '@atlaskit/spinner';
import { token } from '@atlaskit/tokens';
import type { CSSProperties, ReactNode } from 'react';

/** The page frame every screen uses: the padding and width of a Jira content page (narrower margins on a phone). */
export function PageFrame({ children, testId }: { readonly children: ReactNode; readonly testId?: string }) {
  return (
    // Width and side margins live in base.css (.page-frame): they narrow on small screens.
    <main data-testid={testId} className="page-frame" style={{ color: token('color.text'), minHeight: '100vh' }}>
      {children}
    </main>
  );
}

export function Loading({ label }: { readonly label: string }) {
  return (
    <div role="status" aria-live="polite" style={{ display: 'flex', alignItems: 'center', gap: token('space.100'), padding: `${token('space.400')} 0`, color: token('color.text.subtle') }}>
      <Spinner size="medium" label={label} />
      <span>{label}</span>
    </div>
  );
}

export { PageError } from './PageError';

/** Secondary text under a heading or a field. */
export function Subtle({ children, style }: { readonly children: ReactNode; readonly style?: CSSProperties }) {
  return <span style={{ color: token('color.text.subtle'), font: token('font.body'), ...style }}>{children}</span>;
}

export function Stack({ gap = 'space.200', children, style }: { readonly gap?: 'space.100' | 'space.150' | 'space.200' | 'space.300' | 'space.400'; readonly children: ReactNode; readonly style?: CSSProperties }) {
  return <div style={{ display: 'flex', flexDirection: 'column', gap: token(gap), ...style }}>{children}</div>;
}

export function Inline({ gap = 'space.100', children, style, wrap = true }: { readonly gap?: 'space.050' | 'space.075' | 'space.100' | 'space.150' | 'space.200'; readonly children: ReactNode; readonly style?: CSSProperties; readonly wrap?: boolean }) {
  return <div style={{ display: 'flex', flexWrap: wrap ? 'wrap' : 'nowrap', alignItems: 'center', gap: token(gap), ...style }}>{children}</div>;
}
