import { randomUUID } from 'node:crypto';
import type { HostDatabase } from '../database';
import type { PlatformRequest, PlatformService } from '../forge-seam';
import { createKvsContext, type KvsContext } from './context';
import type { EntityDeclaration, EntityModel } from './entities';
import { errorResponse, KvsRequestError } from './errors';
import { batchDelete, batchGet, batchSet } from './operations/batches';
import { deleteItem, getItem, setItem } from './operations/items';
import { queryEntity } from './operations/query-entity';
import { queryValues } from './operations/query-values';
import { transaction } from './operations/transaction';
import { KvsStore, type Space } from './store';
import { asObject, parseBody, type Loose } from './wire';

export interface KvsServiceOptions {
  /** `app.storage.entities` of the manifest (see `loadEntityDeclarations`). */
  readonly entities?: readonly EntityDeclaration[] | readonly unknown[];
  /**
   * How long (virtual ms) a write stays invisible to queries (`kvs.query()`, entity index
   * queries): Forge's queries are eventually consistent, `get` is not. 0 (default): at once.
   */
  readonly indexLagMs?: number;
  /** How long (virtual ms) a query cursor stays valid; unlimited by default. */
  readonly cursorTtlMs?: number;
  /** The largest transaction or batch write request (its JSON body, bytes); Forge's documented 4 MB by default. */
  readonly writeRequestMaxBytes?: number;
}

/** The requests that write many items at once, whose whole size Forge caps. */
const MULTI_WRITE_PATHS: ReadonlySet<string> = new Set(['/api/v1/transaction', '/api/v1/batch/set']);

type Route = (ctx: KvsContext, body: unknown, now: number) => Response;

const VALUE: Space = { store: 'value' };
const SECRET: Space = { store: 'secret' };

/** An entity operation: `entityName` is required (an empty one is Forge's "entity not declared"). */
const onEntity =
  (fn: (ctx: KvsContext, space: Space, entity: EntityModel, body: Loose, now: number) => Response): Route =>
  (ctx, body, now) => {
    const object = asObject(body, 'body');
    const { space, entity } = ctx.spaceOf(object.entityName ?? '');
    return fn(ctx, space, entity as EntityModel, object, now);
  };

const onObject =
  (fn: (ctx: KvsContext, body: Loose, now: number) => Response): Route =>
  (ctx, body, now) =>
    fn(ctx, asObject(body, 'body'), now);

/** Every endpoint of `@forge/kvs`, each served by one operation module in `operations/`. */
const ROUTES: Readonly<Record<string, Route>> = {
  '/api/v1/get': onObject((ctx, body, now) => getItem(ctx, VALUE, body, now)),
  '/api/v1/set': onObject((ctx, body, now) => setItem(ctx, VALUE, undefined, body, now)),
  '/api/v1/delete': onObject((ctx, body, now) => deleteItem(ctx, VALUE, body, now)),
  '/api/v1/query': onObject(queryValues),
  '/api/v1/secret/get': onObject((ctx, body, now) => getItem(ctx, SECRET, body, now)),
  '/api/v1/secret/set': onObject((ctx, body, now) => setItem(ctx, SECRET, undefined, body, now)),
  '/api/v1/secret/delete': onObject((ctx, body, now) => deleteItem(ctx, SECRET, body, now)),
  '/api/v1/entity/get': onEntity((ctx, space, _entity, body, now) => getItem(ctx, space, body, now)),
  '/api/v1/entity/set': onEntity(setItem),
  '/api/v1/entity/delete': onEntity((ctx, space, _entity, body, now) => deleteItem(ctx, space, body, now)),
  '/api/v1/entity/query': onObject(queryEntity),
  '/api/v1/batch/set': batchSet,
  '/api/v1/batch/get': batchGet,
  '/api/v1/batch/delete': batchDelete,
  '/api/v1/transaction': onObject(transaction),
};

/** The KVS endpoints that only read; the others write (what usage counts as read or write units). */
export const KVS_READ_PATHS: ReadonlySet<string> = new Set(['/api/v1/get', '/api/v1/query', '/api/v1/secret/get', '/api/v1/entity/get', '/api/v1/entity/query', '/api/v1/batch/get']);

/**
 * The Forge KVS and Custom Entity Store behind `__forge_fetch__` (`{type: 'kvs'}`), on SQLite
 * tables `kvs_values`, `kvs_secrets` and `kvs_entities`, speaking the wire protocol of
 * `@forge/kvs` (`/api/v1/...`, JSON bodies, Forge error bodies) with Forge's limits.
 */
export function createKvsService(db: HostDatabase, options: KvsServiceOptions = {}): PlatformService {
  const ctx = createKvsContext(new KvsStore(db, { indexLagMs: options.indexLagMs ?? 0 }), options.entities ?? [], { cursorTtlMs: options.cursorTtlMs ?? Number.POSITIVE_INFINITY });
  let lastPurge = Number.NEGATIVE_INFINITY;
  const writeRequestMaxBytes = options.writeRequestMaxBytes ?? 4_000_000;

  return async (request: PlatformRequest): Promise<Response | undefined> => {
    if (request.options.type !== 'kvs') return undefined;
    const traceId = request.invocation?.invocationId ?? randomUUID();
    try {
      const path = request.path.split('?')[0] ?? request.path;
      const route = ROUTES[path];
      if (!route) throw new KvsRequestError(404, 'NOT_FOUND', `The Forge host's KVS has no endpoint ${path}.`);
      if (request.method !== 'POST') throw new KvsRequestError(405, 'METHOD_NOT_ALLOWED', `${path} takes POST, got ${request.method}.`);
      if (MULTI_WRITE_PATHS.has(path)) {
        const bytes = Buffer.byteLength(request.body ?? '', 'utf8');
        // Forge does not document the answer to an oversized transaction: a 413 with its own code here.
        if (bytes > writeRequestMaxBytes) {
          throw new KvsRequestError(413, 'REQUEST_TOO_LARGE', `The request is ${bytes} bytes; a transaction or batch may be at most ${writeRequestMaxBytes} bytes. Nothing was written.`, { limit: writeRequestMaxBytes, size: bytes });
        }
      }
      const now = Date.now();
      if (now - lastPurge > 60_000) {
        ctx.store.purgeExpired(now);
        lastPurge = now;
      }
      const response = route(ctx, parseBody(request.body), now);
      response.headers.set('x-trace-id', traceId);
      return response;
    } catch (error) {
      if (error instanceof KvsRequestError) return errorResponse(error, traceId);
      const message = error instanceof Error ? error.message : String(error);
      return errorResponse(new KvsRequestError(500, 'INTERNAL_SERVER_ERROR', `An internal server error has occurred in the Forge host's KVS: ${message}`), traceId);
    }
  };
}
