import { token } from '@atlaskit/tokens';
import type { FieldDefinitionDto, FieldValueDto } from '../../src/shared/resolver-contract';
import { Inline, Subtle } from '../common/layout';
import { OptionLozenge } from '../common/OptionLozenge';
import { RichText } from '../common/RichText';
import { numberFormat } from '../common/formats';
import { formatDate, formatDuration, formatNumber } from '../common/values';
import { storedValue } from './drafts';
import { userLabel } from './user-label';

const chip = { padding: `${token('space.025')} ${token('space.075')}`, borderRadius: token('radius.small'), background: token('color.background.neutral'), font: token('font.body') } as const;

/** A number field's value with its prefix and suffix, which are for reading only (never sent to webhooks). */
function withAffixes(field: FieldDefinitionDto, formatted: string): string {
  return [field.prefix, formatted, field.suffix].filter((part) => part !== undefined && part !== '').join(' ');
}

/** A formula's result (payload text) for reading, by the kind of its result. */
function formulaText(field: FieldDefinitionDto, text: string, kind: FormulaResultKind | undefined): string {
  if (kind === 'date') return formatDate(text);
  if (kind === 'duration') {
    const ms = Number(text);
    return ms < 0 ? `-${formatDuration(-ms)}` : formatDuration(ms);
  }
  const decimals = field.decimals ?? 0;
  // Intl formats decimal text exactly (a double could not hold every result the formula gives).
  const formatted = numberFormat(undefined, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(text as unknown as number);
  return withAffixes(field, formatted);
}

export type FormulaResultKind = 'number' | 'duration' | 'date';

/** A stored value for reading (the read-only view), formatted as its type is meant to be read. */
export function FieldValue({
  field,
  value,
  names,
  kind,
}: {
  readonly field: FieldDefinitionDto;
  readonly value: FieldValueDto | undefined;
  readonly names: ReadonlyMap<string, string>;
  /** For formula fields: the kind of their result. */
  readonly kind?: FormulaResultKind | undefined;
}) {
  const stored = storedValue(field, value);
  const empty = <Subtle>None</Subtle>;
  if (stored === null || (Array.isArray(stored) && stored.length === 0)) return empty;

  switch (field.type) {
    case 'text':
      return <span>{String(stored)}</span>;
    case 'textarea':
      return <RichText text={String(stored)} />;
    case 'number':
      return <span style={{ fontVariantNumeric: 'tabular-nums' }}>{withAffixes(field, formatNumber(stored as number, field.decimals ?? 0))}</span>;
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
    case 'project':
    case 'multiproject': {
      const keys = Array.isArray(stored) ? (stored as string[]) : [String(stored)];
      return (
        <Inline gap="space.050">
          {keys.map((key) => (
            <span key={key} style={chip}>
              {key}
            </span>
          ))}
        </Inline>
      );
    }
    case 'formula':
      return (
        <span style={{ fontVariantNumeric: 'tabular-nums' }} data-testid={`field-${field.id}-computed`}>
          {formulaText(field, String(stored), kind)}
        </span>
      );
    case 'updated':
    case 'created':
      return (
        <time dateTime={String(stored)} data-testid={`field-${field.id}-computed`}>
          {formatDate(String(stored))}
        </time>
      );
    case 'creator':
      return (
        <span style={chip} data-testid={`field-${field.id}-computed`}>
          {userLabel(String(stored), names)}
        </span>
      );
    case 'user':
    case 'multiuser': {
      const ids = Array.isArray(stored) ? (stored as string[]) : [String(stored)];
      return (
        <Inline gap="space.050">
          {ids.map((id) => (
            <span key={id} style={chip}>
              {userLabel(id, names)}
            </span>
          ))}
        </Inline>
      );
    }
  }
}
