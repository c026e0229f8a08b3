import { showFlag } from '@forge/bridge';

/** Feedback in the product's own flags (bottom left in Jira), through `showFlag` of the bridge. */
type FlagType = 'success' | 'error' | 'info' | 'warning';

let sequence = 0;

export function flag(type: FlagType, title: string, description?: string): void {
  sequence += 1;
  try {
    showFlag({
      id: `projectrak-${Date.now()}-${sequence}`,
      type,
      title,
      ...(description ? { description } : {}),
      // Successes go away on their own; problems stay until read.
      isAutoDismiss: type === 'success' || type === 'info',
    });
  } catch {
    // A host without flags must not break the page; the page shows its own state anyway.
  }
}
