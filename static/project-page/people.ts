import type { ProjectFieldsView } from '../../src/shared/resolver-contract';

/**
 * Account ids held by user fields, whose display names the page needs (`getUsers`). Its own
 * module: the page's first script (main.tsx) asks for those names as soon as the fields arrive.
 */
export function accountIdsIn(view: ProjectFieldsView): string[] {
  const ids = new Set<string>();
  for (const field of view.fields) {
    if (field.type !== 'user' && field.type !== 'multiuser' && field.type !== 'creator') continue;
    const value = view.values[String(field.id)];
    for (const id of Array.isArray(value) ? value : [value]) if (typeof id === 'string' && id !== '') ids.add(id);
  }
  return [...ids];
}

