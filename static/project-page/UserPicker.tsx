import { AsyncSelect } from '@atlaskit/select';
import { useCallback } from 'react';
import type { UserDto } from '../../src/shared/resolver-contract';
import { searchPeople, type PersonOption } from '../common/search-people';
import { userLabel } from './user-label';

export interface UserPickerProps {
  readonly inputId: string;
  readonly isMulti: boolean;
  readonly accountIds: readonly string[];
  readonly names: ReadonlyMap<string, string>;
  readonly onChange: (accountIds: string[]) => void;
  /** People found by a search, so their names are known wherever they are shown. */
  readonly onUsersFound: (users: readonly UserDto[]) => void;
  readonly isInvalid: boolean;
  readonly isDisabled: boolean;
  readonly describedBy: string;
}

/** Finds people on the site by name (`searchUsers`); shows chosen ones by display name. */
export function UserPicker({ inputId, isMulti, accountIds, names, onChange, onUsersFound, isInvalid, isDisabled, describedBy }: UserPickerProps) {
  const loadOptions = useCallback((query: string): Promise<PersonOption[]> => searchPeople(query, onUsersFound), [onUsersFound]);

  const selected = accountIds.map((id) => ({ value: id, label: userLabel(id, names) }));
  const common = {
    inputId,
    loadOptions,
    cacheOptions: true,
    defaultOptions: false,
    isClearable: true,
    isInvalid,
    isDisabled,
    'aria-describedby': describedBy,
    placeholder: isMulti ? 'Search for people' : 'Search for a person',
    noOptionsMessage: ({ inputValue }: { inputValue: string }) => (inputValue.trim() === '' ? 'Type a name to search' : `No one matches "${inputValue.trim()}"`),
    loadingMessage: () => 'Searching…',
  };

  return isMulti ? (
    <AsyncSelect<PersonOption, true> {...common} isMulti value={selected} onChange={(options) => onChange(options.map((o) => o.value))} />
  ) : (
    <AsyncSelect<PersonOption, false> {...common} value={selected[0] ?? null} onChange={(option) => onChange(option ? [option.value] : [])} />
  );
}
