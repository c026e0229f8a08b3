import { useEffect, useState } from 'react';

/** Below this frame width a table of many columns no longer fits: lists show as cards. */
export const NARROW_PX = 760;

/** True while the app's frame is narrower than `px` (a phone, or Jira's sidebar taking the room). */
export function useNarrow(px = NARROW_PX): boolean {
  const query = `(max-width: ${px - 1}px)`;
  const [narrow, setNarrow] = useState(() => typeof window !== 'undefined' && window.matchMedia(query).matches);
  useEffect(() => {
    const media = window.matchMedia(query);
    const update = () => setNarrow(media.matches);
    update();
    media.addEventListener('change', update);
    return () => media.removeEventListener('change', update);
  }, [query]);
  return narrow;
}
