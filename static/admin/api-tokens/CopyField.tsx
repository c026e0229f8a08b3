import Button from '@atlaskit/button/new';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';

/** A read-only value in monospace with a Copy button (the clipboard may be refused in an iframe: then select and copy). */
export function CopyField({ value, label, testId }: { readonly value: string; readonly label: string; readonly testId: string }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div style={{ display: 'flex', gap: token('space.100'), alignItems: 'center' }}>
      <code
        aria-label={label}
        data-testid={testId}
        style={{ flex: 1, font: token('font.code'), padding: token('space.100'), background: token('color.background.neutral'), borderRadius: token('radius.small'), overflowWrap: 'anywhere', userSelect: 'all' }}
      >
        {value}
      </code>
      <Button onClick={() => void copy()} testId={`${testId}-copy`}>
        {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Select and copy' : 'Copy'}
      </Button>
    </div>
  );
}
