import type { UserDto } from '../../src/shared/resolver-contract';
import { call } from './api';

/** A person as a select offers them: the account id, shown by display name. */
export interface PersonOption {
  readonly value: string;
  readonly label: string;
}

/**
 * The people on the site whose name matches `query` (`searchUsers`), as options; nothing for an
 * empty query or a failed search. `onFound` hears of everyone found, so their names are known
 * wherever they are shown afterwards.
 */
export async function searchPeople(query: string, onFound: (users: readonly UserDto[]) => void): Promise<PersonOption[]> {
  if (query.trim() === '') return [];
  const result = await call('searchUsers', { query: query.trim() });
  if (!result.ok) return [];
  onFound(result.value.users);
  return result.value.users.map((u) => ({ value: u.accountId, label: u.displayName }));
}
