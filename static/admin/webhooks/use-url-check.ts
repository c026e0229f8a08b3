import { useEffect, useState } from 'react';
import { call } from '../../common/api';

export type UrlCheck =
  | { readonly status: 'idle' }
  | { readonly status: 'checking' }
  | { readonly status: 'ok'; readonly url: string }
  | { readonly status: 'rejected'; readonly rule: string; readonly message: string }
  /** The check itself could not run; saving still applies the policy. */
  | { readonly status: 'unknown'; readonly message: string };

const DEBOUNCE_MS = 400;

/**
 * The server's URL policy applied as the admin types (debounced), so the failing rule shows
 * before Save. Answers for an older text are dropped: only the latest URL's verdict shows.
 */
export function useUrlCheck(url: string): UrlCheck {
  const [check, setCheck] = useState<UrlCheck>({ status: 'idle' });

  useEffect(() => {
    const typed = url.trim();
    if (typed === '') {
      setCheck({ status: 'idle' });
      return undefined;
    }
    let current = true;
    setCheck({ status: 'checking' });
    const timer = setTimeout(() => {
      void call('checkWebhookUrl', { url: typed }).then((result) => {
        if (!current) return;
        if (!result.ok) setCheck({ status: 'unknown', message: result.error.message });
        else if (result.value.ok) setCheck({ status: 'ok', url: result.value.url });
        else setCheck({ status: 'rejected', rule: result.value.rule, message: result.value.message });
      });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [url]);

  return check;
}
