import Select from '@atlaskit/select';
import { DELIVERY_STATUS_FILTERS } from '../../../src/shared/webhooks-contract';
import { filterLabel } from './delivery-text';
import type { StatusFilter } from './use-delivery-log';

interface FilterChoice {
  readonly value: StatusFilter;
  readonly label: string;
}
const FILTERS: readonly FilterChoice[] = [{ value: 'all', label: 'All statuses' }, ...DELIVERY_STATUS_FILTERS.map((s) => ({ value: s, label: filterLabel(s) }))];

/** The delivery log's status filter. */
export function DeliveryStatusFilter({ filter, onChange }: { readonly filter: StatusFilter; readonly onChange: (filter: StatusFilter) => void }) {
  return (
    <Select<FilterChoice, false>
      inputId="delivery-status-filter"
      aria-label="Filter deliveries by status"
      options={FILTERS}
      value={FILTERS.find((f) => f.value === filter) ?? null}
      onChange={(choice) => choice && onChange(choice.value)}
      testId="delivery-status-filter"
    />
  );
}
