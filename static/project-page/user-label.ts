// Apart from UserPicker so that showing a name does not load the picker (and its select) too.
/** How a person is named: their display name, or a plain note when Jira does not know them. */
export function userLabel(accountId: string, names: ReadonlyMap<string, string>): string {
  return names.get(accountId) ?? 'Unknown user';
}
