import { useEffect, useRef } from 'react';

/**
 * Calls `refresh` every `intervalMs` while the page is visible and the component mounted. A hidden
 * tab stops polling (no resolver calls nobody sees) and refreshes once when it shows again; a
 * refresh still running is not started twice.
 */
export function usePolling(refresh: () => Promise<unknown>, intervalMs: number, enabled = true): void {
  const latest = useRef(refresh);
  latest.current = refresh;

  useEffect(() => {
    if (!enabled) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let stopped = false;

    const schedule = () => {
      if (stopped || document.visibilityState === 'hidden') return;
      timer = setTimeout(() => void tick(), intervalMs);
    };
    const tick = async () => {
      if (running || stopped) return;
      running = true;
      try {
        await latest.current();
      } finally {
        running = false;
        schedule();
      }
    };
    const onVisibility = () => {
      clearTimeout(timer);
      if (document.visibilityState === 'visible') void tick();
    };

    schedule();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [intervalMs, enabled]);
}
