/**
 * How a form shows a refusal of the server: the errors it names per field go under those fields;
 * the message above the form only when something is left that no field shows.
 */

/** The server's field errors on the form's own fields; anything else stays in the message. */
export function shownFieldErrors<F extends string>(fieldErrors: Readonly<Record<string, string>> | undefined, fields: readonly F[]): Partial<Record<F, string>> {
  const errors: Partial<Record<F, string>> = {};
  for (const key of fields) {
    const message = fieldErrors?.[key];
    if (message) errors[key] = message;
  }
  return errors;
}

/** True when every field error of the refusal shows under a field of the form (so the message above would say it twice). */
export function allShownAtFields(fieldErrors: Readonly<Record<string, string>> | undefined, fields: readonly string[]): boolean {
  const keys = Object.keys(fieldErrors ?? {});
  return keys.length > 0 && keys.every((key) => fields.includes(key));
}

/**
 * The message under a title that already says nothing was saved ("The webhook was not saved"):
 * the server's "Nothing was saved" sentence would repeat it.
 */
export function withoutNothingSaved(message: string): string {
  const cleaned = message
    .replace(/\s*Nothing was saved\.\s*/g, ' ')
    .replace(/^Nothing was saved:\s*/, '')
    .trim();
  return cleaned === '' ? message : cleaned.charAt(0).toUpperCase() + cleaned.slice(1);
}
