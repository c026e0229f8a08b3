import { chunk, lazyFrom, type Chunk } from '../common/lazy-chunk';
import type { AdminRoute } from './routes';

// Each subpage is a chunk of its own: opening one subpage never loads another's code (tables,
// forms, the delivery log). main.tsx starts the shown subpage's chunk beside its data.
const webhooks = chunk(() => import('./webhooks/WebhooksPage'));
const fields = chunk(() => import('./fields/FieldsPage'));
const apiTokens = chunk(() => import('./api-tokens/ApiTokensPage'));

export const WebhooksPage = lazyFrom(webhooks, (m) => m.WebhooksPage);
export const FieldsPage = lazyFrom(fields, (m) => m.FieldsPage);
export const ApiTokensPage = lazyFrom(apiTokens, (m) => m.ApiTokensPage);

const CHUNKS: Readonly<Record<AdminRoute, Chunk<unknown>>> = { webhooks, fields, 'api-tokens': apiTokens };

/** The chunk of a subpage, to start loading before the page renders it. */
export const pageChunk = (route: AdminRoute) => CHUNKS[route];
