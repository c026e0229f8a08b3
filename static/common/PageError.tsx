import { token } from '@atlaskit/tokens';
import type { ReactNode } from 'react';
import { Notice } from './Notice';

/** A problem that stops the page from showing anything useful. */
export function PageError({ title, message, actions }: { readonly title: string; readonly message: string; readonly actions?: ReactNode }) {
  return (
    <div style={{ marginTop: token('space.200') }}>
      <Notice appearance="error" title={title} testId="page-error">
        <p style={{ margin: 0 }}>{message}</p>
        {actions ? <div style={{ marginTop: token('space.150') }}>{actions}</div> : null}
      </Notice>
    </div>
  );
}
