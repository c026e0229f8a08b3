import type { view } from '@forge/bridge';

export type HostHistory = Awaited<ReturnType<typeof view.createHistory>>;

let asked: Promise<HostHistory> | undefined;
let created: HostHistory | undefined;

/**
 * Keeps the host's history of the admin page as it was asked for (by the page's first script,
 * main.tsx, for the shown subpage's route), so the page's code (use-admin-route.ts) takes the
 * same answer and, once it has arrived, renders the subpage in its first render instead of
 * waiting a render for it. No React here: this module is part of that first script.
 */
export function keepHistory(answer: Promise<HostHistory>): Promise<HostHistory> {
  asked = answer.then((history) => {
    created = history;
    return history;
  });
  return asked;
}

/** The history as asked for, if it was. */
export const askedHistory = (): Promise<HostHistory> | undefined => asked;

/** The history once the host has given it, else undefined (not asked yet, on its way, or refused). */
export const createdHistory = (): HostHistory | undefined => created;
