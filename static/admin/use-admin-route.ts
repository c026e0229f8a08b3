import { view } from '@forge/bridge';
import { useCallback, useEffect, useRef, useState } from 'react';
import { routeFromPath, type AdminRoute } from './routes';

type History = Awaited<ReturnType<typeof view.createHistory>>;

export type AdminNavigation =
  | { readonly mode: 'pending' }
  /** The host's history drives the page (Jira's sidebar lists the subpages). */
  | { readonly mode: 'history'; readonly route: AdminRoute; navigate(route: AdminRoute): void }
  /** No history: the page offers its own tabs. */
  | { readonly mode: 'tabs'; readonly route: AdminRoute; navigate(route: AdminRoute): void };

/**
 * The current subpage. Forge renders an admin page's subpages at `<page URL>/<route>` and hands
 * the app that path through `view.createHistory()`; the page follows it as it changes.
 */
export function useAdminRoute(): AdminNavigation {
  const [mode, setMode] = useState<'pending' | 'history' | 'tabs'>('pending');
  const [route, setRoute] = useState<AdminRoute>('webhooks');
  const history = useRef<History | null>(null);

  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let cancelled = false;
    view
      .createHistory()
      .then((created) => {
        if (cancelled) return;
        history.current = created;
        setRoute(routeFromPath(created.location.pathname));
        unlisten = created.listen((location) => setRoute(routeFromPath(location.pathname)));
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

  const navigate = useCallback((next: AdminRoute) => {
    if (history.current) history.current.push(`/${next}`);
    else setRoute(next);
  }, []);

  if (mode === 'pending') return { mode };
  return { mode, route, navigate };
}
