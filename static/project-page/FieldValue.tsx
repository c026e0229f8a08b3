import { token } from '@atlaskit/tokens';
import type { FieldDefinitionDto, FieldValueDto } from '../../src/shared/resolver-contract';
import { Inline, Subtle } from '../common/layout';
import { OptionLozenge } from '../common/OptionLozenge';
import { RichText } from '../common/RichText';
import { formatDate, formatDuration, formatNumber } from '../common/values';
import { storedValue } from './drafts';
import { userLabel } from './user-label';

/** A stored value for reading (the read-only view), formatted as its type is meant to be read. */
export function FieldValue({ field, value, names }: { readonly field: FieldDefinitionDto; readonly value: FieldValueDto | undefined; readonly names: ReadonlyMap<string, string> }) {
  const stored = storedValue(field, value);
  const empty = <Subtle>None</Subtle>;
  if (stored === null || (Array.isArray(stored) && stored.length === 0)) return empty;

  switch (field.type) {
    case 'text':
      return <span>{String(stored)}</span>;
    case 'textarea':
      return <RichText text={String(stored)} />;
    case 'number':
      return <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatNumber(stored as number, field.decimals ?? 0)}</span>;
    case 'date':
      return <time dateTime={String(stored)}>{formatDate(String(stored))}</time>;
    case 'duration':
      return <span>{formatDuration(stored as number)}</span>;
    case 'list':
    case 'status':
    case 'priority':
    case 'multilist': {
      const ids = Array.isArray(stored) ? (stored as number[]) : [stored as number];
      return (
        <Inline gap="space.050">
          {ids.map((id) => {
            const option = field.options?.find((o) => o.id === id);
            return option ? <OptionLozenge key={id} name={option.name} colour={option.colour} disabled={!option.enabled} /> : <Subtle key={id}>Removed option</Subtle>;
          })}
        </Inline>
      );
    }
    case 'user':
    case 'multiuser': {
      const ids = Array.isArray(stored) ? (stored as string[]) : [String(stored)];
      return (
        <Inline gap="space.050">
          {ids.map((id) => (
            <span key={id} style={{ padding: `${token('space.025')} ${token('space.075')}`, borderRadius: token('radius.small'), background: token('color.background.neutral'), font: token('font.body') }}>
              {userLabel(id, names)}
            </span>
          ))}
        </Inline>
      );
    }
  }
}
