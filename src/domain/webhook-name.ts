/**
 * Two webhook names clash when they are equal once trimmed, ignoring case: "Finance" and
 * " finance " name the same webhook for an admin reading the list.
 */
export function webhookNameKey(name: string): string {
  return name.trim().toLowerCase();
}
