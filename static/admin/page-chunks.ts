import { chunk, type Chunk } from '../common/chunk';
import type { AdminLocation, AdminRoute } from './routes';

// Each subpage is a chunk of its own: opening one subpage never loads another's code (tables,
// forms, the delivery log). The page's first script (main.tsx) starts the shown subpage's chunk
// beside its data, so this module holds only the loads (no React: it is in that first script).
const webhooks = chunk(() => import('./webhooks/WebhooksPage'));
const fields = chunk(() => import('./fields/FieldsPage'));
const apiTokens = chunk(() => import('./api-tokens/ApiTokensPage'));

export const subpageChunks = { webhooks, fields, apiTokens } as const;

const CHUNKS: Readonly<Record<AdminRoute, Chunk<unknown>>> = { webhooks, fields, 'api-tokens': apiTokens };

/** The chunk of a subpage, to start loading before the page renders it. */
export const pageChunk = (route: AdminRoute) => CHUNKS[route];

/** A webhook's detail (its delivery log): started at once when the page opens on a webhook's own address. */
export const detailChunk = chunk(() => import('./webhooks/WebhookDetail'));

/** The code a place of the page shows: its subpage's, and a webhook's detail on its own address. */
export const chunksOf = ({ route, webhookId }: AdminLocation): Chunk<unknown>[] => (webhookId === null ? [pageChunk(route)] : [detailChunk, pageChunk(route)]);
