import { useCallback, useEffect, useRef, type RefCallback } from 'react';

/** The air kept between a sticky header and the element that has the focus. */
const FOCUS_GAP_PX = 8;

/** How far `target` must move down so that it shows below a header whose bottom is at `headerBottom`; 0 when it already does. */
export function scrollNeeded(headerBottom: number, target: { readonly top: number; readonly bottom: number }, viewportHeight: number): number {
  if (target.top >= headerBottom + FOCUS_GAP_PX || target.bottom <= 0 || target.top >= viewportHeight) return 0;
  return headerBottom + FOCUS_GAP_PX - target.top;
}

/**
 * For the page's sticky header: publishes its height as `--sticky-header-height` (base.css turns
 * it into `scroll-padding-top`, which the browser keeps clear when it scrolls to an element) and,
 * because a focused element that is already partly on screen is not scrolled at all, moves the
 * page whenever focus lands under the header (WCAG 2.4.11, focus not obscured).
 */
export function useStickyHeader(): RefCallback<HTMLElement> {
  const header = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const onFocus = (event: FocusEvent) => {
      const element = header.current;
      const target = event.target;
      if (!element || !(target instanceof Element) || element.contains(target)) return;
      const move = scrollNeeded(element.getBoundingClientRect().bottom, target.getBoundingClientRect(), window.innerHeight);
      if (move > 0) window.scrollBy({ top: -move });
    };
    document.addEventListener('focusin', onFocus);
    return () => {
      document.removeEventListener('focusin', onFocus);
      document.documentElement.style.removeProperty('--sticky-header-height');
    };
  }, []);

  const observer = useRef<ResizeObserver | null>(null);
  return useCallback((element: HTMLElement | null) => {
    observer.current?.disconnect();
    header.current = element;
    if (!element) return;
    const publish = () => document.documentElement.style.setProperty('--sticky-header-height', `${Math.ceil(element.getBoundingClientRect().height)}px`);
    publish();
    observer.current = new ResizeObserver(publish);
    observer.current.observe(element);
  }, []);
}

/**
 * Asks before the page is left with unsaved edits. The app's own page controls only its frame:
 * on Jira as here, the browser's `beforeunload` in the frame is what can stop a reload, a closed
 * tab or a navigation that unloads the page (the offline shell loads a new page for every link
 * of its sidebar, so the same question comes up there). Jira's in-app navigation between its own
 * pages offers apps no hook to hold it, so this is as far as an app can go.
 */
export function useAskBeforeLeaving(unsaved: boolean): void {
  useEffect(() => {
    if (!unsaved) return undefined;
    const ask = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the question only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [unsaved]);
}
