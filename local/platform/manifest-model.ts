import { parse } from 'yaml';

/** What the host needs of `manifest.yml`: which function serves which module, and how. */
export interface FunctionDeclaration {
  readonly key: string;
  /** `index.resolver` -> export `resolver` of the app's entry module. */
  readonly exportName: string;
  readonly timeoutSeconds: number;
}

export interface UiModuleDeclaration {
  readonly key: string;
  readonly moduleType: string;
  readonly resourceKey: string;
  readonly resourcePath: string;
  readonly resolverFunction: string | undefined;
  readonly title: string;
  readonly pages: readonly { readonly title: string; readonly route: string }[];
}

export interface ManifestModel {
  readonly functions: ReadonlyMap<string, FunctionDeclaration>;
  readonly uiModules: readonly UiModuleDeclaration[];
  readonly consumers: readonly { key: string; queue: string; functionKey: string }[];
  readonly scheduledTriggers: readonly { key: string; functionKey: string; interval: string }[];
  readonly webTriggers: readonly { key: string; functionKey: string }[];
  readonly triggers: readonly { key: string; functionKey: string; events: readonly string[] }[];
  readonly entities: readonly unknown[];
  /** `permissions.content`: what Forge's Content Security Policy lets the Custom UI load. */
  readonly contentPermissions: { readonly scripts?: readonly string[]; readonly styles?: readonly string[] };
  /** `permissions.scopes`: what the Jira stand-in lets the app call. */
  readonly scopes: readonly string[];
  /** `permissions.external.fetch.backend`: where the app's `fetch` may go (strings or `{ address }`). */
  readonly egressBackend: readonly unknown[];
}

const DEFAULT_TIMEOUT_SECONDS = 25;

type Loose = Record<string, unknown>;
const list = (value: unknown): Loose[] => (Array.isArray(value) ? (value as Loose[]) : []);
const str = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || value === '') throw new Error(`manifest.yml: ${what} must be a non-empty string`);
  return value;
};

export function parseManifest(yamlText: string): ManifestModel {
  const doc = parse(yamlText) as Loose;
  const modules = (doc.modules ?? {}) as Loose;
  const resources = new Map(list(doc.resources).map((r) => [str(r.key, 'resources[].key'), str(r.path, 'resources[].path')]));

  const functions = new Map<string, FunctionDeclaration>();
  for (const fn of list(modules.function)) {
    const key = str(fn.key, 'function[].key');
    const handler = str(fn.handler, `function ${key} handler`);
    const [file, exportName] = handler.split('.');
    if (file !== 'index' || !exportName) throw new Error(`manifest.yml: function ${key} handler must be index.<export>, got ${handler}`);
    functions.set(key, { key, exportName, timeoutSeconds: typeof fn.timeoutSeconds === 'number' ? fn.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS });
  }

  const uiModules: UiModuleDeclaration[] = [];
  for (const [moduleType, entries] of Object.entries(modules)) {
    if (!moduleType.includes(':')) continue;
    for (const entry of list(entries)) {
      if (typeof entry.resource !== 'string') continue;
      const resourcePath = resources.get(entry.resource);
      if (!resourcePath) throw new Error(`manifest.yml: module ${String(entry.key)} names unknown resource ${entry.resource}`);
      const resolver = entry.resolver as Loose | undefined;
      uiModules.push({
        key: str(entry.key, `${moduleType}[].key`),
        moduleType,
        resourceKey: entry.resource,
        resourcePath,
        resolverFunction: typeof resolver?.function === 'string' ? resolver.function : undefined,
        title: typeof entry.title === 'string' ? entry.title : String(entry.key),
        pages: list(entry.pages).map((p) => ({ title: str(p.title, 'pages[].title'), route: str(p.route, 'pages[].route') })),
      });
    }
  }

  const app = (doc.app ?? {}) as Loose;
  const storage = (app.storage ?? {}) as Loose;
  return {
    functions,
    uiModules,
    consumers: list(modules.consumer).map((c) => ({ key: str(c.key, 'consumer[].key'), queue: str(c.queue, 'consumer[].queue'), functionKey: str(c.function, 'consumer[].function') })),
    scheduledTriggers: list(modules.scheduledTrigger).map((s) => ({ key: str(s.key, 'scheduledTrigger[].key'), functionKey: str(s.function, 'scheduledTrigger[].function'), interval: str(s.interval, 'scheduledTrigger[].interval') })),
    webTriggers: list(modules.webtrigger).map((w) => ({ key: str(w.key, 'webtrigger[].key'), functionKey: str(w.function, 'webtrigger[].function') })),
    triggers: list(modules.trigger).map((t) => ({ key: str(t.key, 'trigger[].key'), functionKey: str(t.function, 'trigger[].function'), events: (t.events as string[] | undefined) ?? [] })),
    entities: list(storage.entities),
    contentPermissions: contentPermissionsOf(doc),
    scopes: stringList(((doc.permissions ?? {}) as Loose).scopes),
    egressBackend: egressBackendOf(doc),
  };
}

function contentPermissionsOf(doc: Loose): { scripts?: string[]; styles?: string[] } {
  const content = ((doc.permissions ?? {}) as Loose).content as Loose | undefined;
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined);
  const scripts = strings(content?.scripts);
  const styles = strings(content?.styles);
  return { ...(scripts ? { scripts } : {}), ...(styles ? { styles } : {}) };
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

function egressBackendOf(doc: Loose): unknown[] {
  const external = ((doc.permissions ?? {}) as Loose).external as Loose | undefined;
  const fetch = external?.fetch as Loose | undefined;
  return Array.isArray(fetch?.backend) ? (fetch.backend as unknown[]) : [];
}
