/** The subpages of Projectrak Administration, as `manifest.yml` declares them (`pages[].route`). */
export const ADMIN_PAGES = [
  { route: 'webhooks', title: 'Outgoing webhooks' },
  { route: 'fields', title: 'Project fields' },
  { route: 'api-tokens', title: 'API tokens' },
] as const;

export type AdminRoute = (typeof ADMIN_PAGES)[number]['route'];

/** Where the admin page is: a subpage, and on the webhooks subpage the webhook opened, if any. */
export interface AdminLocation {
  readonly route: AdminRoute;
  /** `/webhooks/<id>`: that webhook's detail page. */
  readonly webhookId: string | null;
}

const WEBHOOK_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `/fields`, `fields/…` or `/fields?x` name the fields page; anything else is the first page. */
export function routeFromPath(pathname: string): AdminRoute {
  return locationFromPath(pathname).route;
}

/** The location a history path names; `/webhooks/<id>` opens that webhook (ids as the contract allows them). */
export function locationFromPath(pathname: string): AdminLocation {
  const [first = '', second = ''] = pathname.replace(/^\/+/, '').split(/[?#]/)[0]?.split('/') ?? [];
  const route = ADMIN_PAGES.find((p) => p.route === first)?.route ?? ADMIN_PAGES[0].route;
  const webhookId = route === 'webhooks' && first === 'webhooks' && WEBHOOK_ID.test(second) ? second : null;
  return { route, webhookId };
}

/** The history path of a location: `/webhooks`, `/webhooks/<id>`, `/fields`. */
export function pathOf(location: AdminLocation): string {
  return location.webhookId !== null && location.route === 'webhooks' ? `/webhooks/${encodeURIComponent(location.webhookId)}` : `/${location.route}`;
}
