/** The subpages of Projectrak Administration, as `manifest.yml` declares them (`pages[].route`). */
export const ADMIN_PAGES = [
  { route: 'webhooks', title: 'Outgoing webhooks' },
  { route: 'fields', title: 'Project fields' },
  { route: 'api-tokens', title: 'API tokens' },
] as const;

export type AdminRoute = (typeof ADMIN_PAGES)[number]['route'];

/** `/fields`, `fields/…` or `/fields?x` name the fields page; anything else is the first page. */
export function routeFromPath(pathname: string): AdminRoute {
  const first = pathname.replace(/^\/+/, '').split(/[/?#]/)[0] ?? '';
  return ADMIN_PAGES.find((p) => p.route === first)?.route ?? ADMIN_PAGES[0].route;
}
