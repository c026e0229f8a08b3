/**
 * Intl formatters, made once per locale and options and kept. The first Intl formatter a page
 * makes loads the browser's locale data: 70-150 ms of main thread in Chromium on the bench
 * machine (measured in a fresh page), and a few ms for each formatter after it. So formatters are
 * kept, and the project page's first script warms the ones its first render needs (`warmFormats`)
 * while the page waits for its data, instead of paying for them in the render after the data
 * arrive. (Admin pages do not: several show no date or number at first, and the work would only
 * compete with theirs.)
 * Nothing here may import anything: it is in the pages' first script.
 */

/** A formatter per locale and options, made on first use and kept. */
function keptFormats<O, F>(make: (locale: string | undefined, options: O) => F): (locale: string | undefined, options: O) => F {
  const made = new Map<string, F>();
  return (locale, options) => {
    const key = `${locale ?? ''}|${JSON.stringify(options)}`;
    let format = made.get(key);
    if (!format) {
      format = make(locale, options);
      made.set(key, format);
    }
    return format;
  };
}

export const dateTimeFormat = keptFormats((locale, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, options));

export const numberFormat = keptFormats((locale, options: Intl.NumberFormatOptions) => new Intl.NumberFormat(locale, options));

/** A calendar day for reading in the reader's locale ("Jan 5, 2026"), as UTC so it never moves a day. */
export const DAY_FORMAT: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeZone: 'UTC' };

/**
 * Loads the locale data in a task of its own once the main thread is free (the page's calls are
 * on their way, its code still arriving), so the first render after the data does not.
 */
export function warmFormats(): void {
  setTimeout(() => {
    dateTimeFormat(undefined, DAY_FORMAT).format(0);
    numberFormat(undefined, { minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(0);
  }, 0);
}
