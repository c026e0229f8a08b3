import { lazyFrom } from '../common/lazy-chunk';
import { subpageChunks } from './page-chunks';

// The subpages as React views, each taken from its own chunk (page-chunks.ts).
export const WebhooksPage = lazyFrom(subpageChunks.webhooks, (m) => m.WebhooksPage);
export const FieldsPage = lazyFrom(subpageChunks.fields, (m) => m.FieldsPage);
export const ApiTokensPage = lazyFrom(subpageChunks.apiTokens, (m) => m.ApiTokensPage);
