import type { ProjectFieldsView } from './resolver-contract';

/**
 * Account ids held by the people fields of a project's values (user, multiuser, creator): the
 * people whose names the project page shows. `getProjectFields` answers their names with the
 * values, so the page needs no second call for them.
 */
export function accountIdsIn(view: Pick<ProjectFieldsView, 'fields' | 'values'>): string[] {
  const ids = new Set<string>();
  for (const field of view.fields) {
    if (field.type !== 'user' && field.type !== 'multiuser' && field.type !== 'creator') continue;
    const value = view.values[String(field.id)];
    for (const id of Array.isArray(value) ? value : [value]) if (typeof id === 'string' && id !== '') ids.add(id);
  }
  return [...ids];
}
