import { createForgeHost, type ForgeHost, type HostOptions } from '../../local/host';
import { runInInvocation } from '../../local/platform/invocation-context';

/**
 * A host running a tiny test app (handlers written in the test, a manifest made for it), for host
 * tests of one platform behaviour at a time through the real SDKs.
 */
export interface MiniManifest {
  /** Consumers: queue key -> timeoutSeconds of its function (default 25). */
  readonly queues?: Readonly<Record<string, number>>;
  /** Trigger subscriptions: product event types delivered to the `trigger` handler. */
  readonly events?: readonly string[];
  /** A scheduled trigger `tick` (fiveMinute) served by the `scheduled` handler. */
  readonly scheduled?: boolean;
  readonly scopes?: readonly string[];
  /** `permissions.external.fetch.backend` addresses (default `*`). */
  readonly egress?: readonly string[];
}

/** The manifest of the mini app: one entity `item` with an index `by-group`, and what `spec` asks for. */
export function miniManifest(spec: MiniManifest = {}): string {
  const queues = Object.entries(spec.queues ?? {});
  const lines = ['modules:'];
  if (queues.length > 0) {
    lines.push('  consumer:');
    for (const [queue] of queues) lines.push(`    - key: ${queue}-consumer`, `      queue: ${queue}`, `      function: ${queue}-fn`);
  }
  if (spec.events) lines.push('  trigger:', '    - key: events', '      function: trigger-fn', '      events:', ...spec.events.map((e) => `        - ${e}`));
  if (spec.scheduled) lines.push('  scheduledTrigger:', '    - key: tick', '      function: scheduled-fn', '      interval: fiveMinute');
  lines.push('  function:');
  for (const [queue, timeout] of queues) lines.push(`    - key: ${queue}-fn`, `      handler: index.consumer`, `      timeoutSeconds: ${timeout}`);
  if (spec.events) lines.push('    - key: trigger-fn', '      handler: index.trigger');
  if (spec.scheduled) lines.push('    - key: scheduled-fn', '      handler: index.scheduled');
  lines.push(
    'app:',
    '  id: ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000',
    '  storage:',
    '    entities:',
    '      - name: item',
    '        attributes:',
    '          group: { type: string }',
    '          n: { type: integer }',
    '        indexes:',
    '          - name: by-group',
    '            partition: [group]',
    '            range: [n]',
    'permissions:',
    '  scopes:',
    ...(spec.scopes ?? ['read:jira-work', 'read:jira-user', 'storage:app']).map((s) => `    - ${s}`),
    '  external:',
    '    fetch:',
    '      backend:',
    ...(spec.egress ?? ['*']).map((a) => `        - address: '${a}'`),
  );
  return `${lines.join('\n')}\n`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers of any signature, as an app module exports them
export type MiniHandler = (...args: any[]) => unknown;

export function startMiniHost(spec: MiniManifest, handlers: Readonly<Record<string, MiniHandler>>, options: Partial<HostOptions> = {}): ForgeHost {
  const host = createForgeHost({ databaseFile: ':memory:', app: handlers, manifestText: miniManifest(spec), log: () => undefined, ...options });
  host.queues.start();
  return host;
}

/** Runs `fn` as an app invocation of kind `test:<functionKey>` (SDK calls reach the host). */
export function asInvocation<T>(fn: () => Promise<T>, functionKey = 'test-fn', timeoutMs = 30_000): Promise<T> {
  return runInInvocation({ moduleKey: 'test', moduleType: 'test', functionKey, timeoutMs }, fn);
}

/** A promise to open from the test: handlers wait on it, so the test decides when they go on. */
export function gate(): { wait: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}
