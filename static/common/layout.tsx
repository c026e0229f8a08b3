import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import { token } from '@atlaskit/tokens';
import type { CSSProperties, ReactNode } from 'react';

/** The page frame every screen uses: the padding and width of a Jira content page. */
export function PageFrame({ children, testId }: { readonly children: ReactNode; readonly testId?: string }) {
  return (
    <main
      data-testid={testId}
      style={{
        boxSizing: 'border-box',
        maxWidth: 1200,
        margin: '0 auto',
        padding: `${token('space.100')} ${token('space.500')} ${token('space.600')}`,
        color: token('color.text'),
        minHeight: '100vh',
      }}
    >
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

/** A problem that stops the page from showing anything useful. */
export function PageError({ title, message, actions }: { readonly title: string; readonly message: string; readonly actions?: ReactNode }) {
  return (
    <div style={{ marginTop: token('space.200') }}>
      <SectionMessage appearance="error" title={title} testId="page-error">
        <p>{message}</p>
        {actions ? <div style={{ marginTop: token('space.150') }}>{actions}</div> : null}
      </SectionMessage>
    </div>
  );
}

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
