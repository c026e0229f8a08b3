import type { FieldDefinitionDto } from '../../src/shared/resolver-contract';
import { DURATION_HINT, formatNumber, parseNumber } from '../common/values';
import type { Draft } from './drafts';

/** Guidance under an editor, by type; the field's own description comes first. */
export function hintFor(field: FieldDefinitionDto, draft: Draft | undefined): string | undefined {
  switch (field.type) {
    case 'number': {
      const decimals = field.decimals ?? 0;
      const parsed = draft?.kind === 'text' ? parseNumber(draft.text, decimals) : null;
      const formatted = parsed?.ok && parsed.value !== null ? formatNumber(parsed.value, decimals) : null;
      // Only worth saying when it reads differently from what is typed (grouping, decimals).
      const shown = formatted !== null && draft?.kind === 'text' && formatted !== draft.text.trim() ? ` Shown as ${formatted}.` : '';
      return `${decimals === 0 ? 'A whole number.' : `Up to ${decimals} decimal place${decimals === 1 ? '' : 's'}.`}${shown}`;
    }
    case 'duration':
      return DURATION_HINT;
    case 'date':
      return 'A date as yyyy-mm-dd.';
    case 'formula':
      return `Calculated: ${field.expression ?? ''}`;
    case 'updated':
      return 'The date of the last save of these fields, filled by the app.';
    case 'created':
    case 'creator':
      return 'Filled by the app.';
    case 'project':
    case 'multiproject':
      return 'Projects you can browse.';
    default:
      return undefined;
  }
}
