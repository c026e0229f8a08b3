import { token } from '@atlaskit/tokens';
import type { FieldCleanupDto } from '../../../src/shared/resolver-contract';
import { cleanupSentence, isRunning } from './field-cleanups';
import { Notice } from '../../common/Notice';

/** Progress of removing deleted fields' values, which runs in the background after a delete. */
export function FieldCleanups({ cleanups }: { readonly cleanups: readonly FieldCleanupDto[] }) {
  if (cleanups.length === 0) return null;
  const running = isRunning(cleanups);
  return (
    <div style={{ margin: `0 0 ${token('space.200')}` }}>
      <Notice appearance={running ? 'information' : 'success'} title={running ? 'Removing values of deleted fields' : 'Values of deleted fields removed'} testId="field-cleanups">
        <ul style={{ margin: 0, paddingLeft: token('space.250') }}>
          {cleanups.map((c) => (
            <li key={c.fieldId} data-testid={`field-cleanup-${c.fieldId}`}>
              {cleanupSentence(c)}
            </li>
          ))}
        </ul>
        {running ? <p>Projects no longer show these values; removing them from storage runs in the background.</p> : null}
      </Notice>
    </div>
  );
}
