import { AsyncSelect } from '@atlaskit/select';
import { useCallback } from 'react';
import type { UserDto } from '../../src/shared/resolver-contract';
import { call } from '../common/api';
import { userLabel } from './user-label';

export interface UserOption {
  readonly value: string;
  readonly label: string;
}

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
  const loadOptions = useCallback(
    async (query: string): Promise<UserOption[]> => {
      if (query.trim() === '') return [];
      const result = await call('searchUsers', { query: query.trim() });
      if (!result.ok) return [];
      onUsersFound(result.value.users);
      return result.value.users.map((u) => ({ value: u.accountId, label: u.displayName }));
    },
    [onUsersFound],
  );

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
    <AsyncSelect<UserOption, true> {...common} isMulti value={selected} onChange={(options) => onChange(options.map((o) => o.value))} />
  ) : (
    <AsyncSelect<UserOption, false> {...common} value={selected[0] ?? null} onChange={(option) => onChange(option ? [option.value] : [])} />
  );
}
