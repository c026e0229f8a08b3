import { view } from '@forge/bridge';
import { useCallback, useEffect, useRef, useState } from 'react';
import { askedHistory, createdHistory, keepHistory, type HostHistory } from './host-history';
import { locationFromPath, pathOf, type AdminLocation } from './routes';

export type AdminNavigation =
  | { readonly mode: 'pending' }
  /** The host's history drives the page (Jira's sidebar lists the subpages; reload, Back and links keep the place). */
  | { readonly mode: 'history'; readonly location: AdminLocation; navigate(location: AdminLocation): void }
  /** No history: the page offers its own tabs, and the place lives in the page only. */
  | { readonly mode: 'tabs'; readonly location: AdminLocation; navigate(location: AdminLocation): void };

const FIRST: AdminLocation = { route: 'webhooks', webhookId: null };

/**
 * The current place in the admin page. Forge renders an admin page's subpages at
 * `<page URL>/<route>` and hands the app the path under the page through `view.createHistory()`;
 * the app adds its own part (`/webhooks/<id>`), so each view has an address of its own.
 */
export function useAdminRoute(): AdminNavigation {
  // The page's first script asked for the history: when it has arrived, the first render has the place.
  const [mode, setMode] = useState<'pending' | 'history' | 'tabs'>(() => (createdHistory() ? 'history' : 'pending'));
  const [location, setLocation] = useState<AdminLocation>(() => {
    const created = createdHistory();
    return created ? locationFromPath(created.location.pathname) : FIRST;
  });
  const history = useRef<HostHistory | null>(createdHistory() ?? null);

  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let cancelled = false;
    // The same place again keeps the state as it is (no render for an equal location).
    const moveTo = (pathname: string) => {
      const next = locationFromPath(pathname);
      setLocation((previous) => (previous.route === next.route && previous.webhookId === next.webhookId ? previous : next));
    };
    (askedHistory() ?? keepHistory(view.createHistory()))
      .then((created) => {
        if (cancelled) return;
        history.current = created;
        moveTo(created.location.pathname);
        unlisten = created.listen((next) => moveTo(next.pathname));
        setMode('history');
      })
      .catch(() => {
        if (!cancelled) setMode('tabs');
      });
    return () => {
      cancelled = true;
      unlisten?.();
    };
  }, []);

  const navigate = useCallback((next: AdminLocation) => {
    if (history.current) history.current.push(pathOf(next));
    else setLocation(next);
  }, []);

  if (mode === 'pending') return { mode };
  return { mode, location, navigate };
}
