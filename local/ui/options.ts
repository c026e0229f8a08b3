/**
 * What the offline host tells its UI routes: the built Custom UI resources, the people and
 * projects of the demo site, and how to run a resolver as the platform does.
 */

export interface UiPage {
  readonly title: string;
  /** The subpage route of `manifest.yml` (`pages[].route`), e.g. `fields`. */
  readonly route: string;
}

export interface UiResource {
  /** The resource key of `manifest.yml` (`resources[].key`), e.g. `admin`. */
  readonly key: string;
  /** The built resource directory, absolute or relative to `distDir` (e.g. `admin`). */
  readonly dir: string;
  /** The module rendering it, e.g. `projectrak-admin`. */
  readonly moduleKey: string;
  /** `jira:adminPage` or `jira:projectPage` (others are served as global pages). */
  readonly moduleType: string;
  readonly title: string;
  readonly pages?: readonly UiPage[];
}

export interface UiUser {
  readonly accountId: string;
  readonly displayName: string;
  /** What the user switcher says about them, e.g. "Jira admin" or "Viewer of DEMO". */
  readonly label: string;
}

export interface UiProject {
  readonly id: number;
  readonly key: string;
  readonly name: string;
  /** Jira's project type key; `software` when not given. */
  readonly type?: string;
}

export interface InvokeResolverArgs {
  /** The module whose resolver runs (Forge runs `modules.<type>[].resolver.function`). */
  readonly moduleKey: string;
  /** The resolver definition called, e.g. `getProjectFields`. */
  readonly functionKey: string;
  readonly payload: unknown;
  /** The principal: the user chosen in the shell. Never taken from the browser's payload. */
  readonly accountId: string;
  /** `context.extension` as Forge gives it to the resolver (type, and project on project pages). */
  readonly extensionContext: Readonly<Record<string, unknown>>;
}

export interface UiRoutesOptions {
  /** The Vite output directory, `static/dist`. */
  readonly distDir: string;
  readonly resources: readonly UiResource[];
  /** The people of the demo site; the first is the default user. */
  readonly users: readonly UiUser[];
  readonly projects: readonly UiProject[];
  /** The projects `accountId` may browse, for the shell's navigation (default: all of them). */
  projectsFor?(accountId: string): readonly UiProject[];
  /** Runs the resolver as the platform does; a throw becomes a rejected `invoke` in the page. */
  invokeResolver(args: InvokeResolverArgs): Promise<unknown>;
  /**
   * `permissions.content` of `manifest.yml`. When given, app pages are served with a Content
   * Security Policy like Forge's (scripts and styles from the app itself only, plus what these
   * permissions allow), so a page that would be blocked on Forge is blocked here too.
   */
  readonly contentPermissions?: { readonly scripts?: readonly string[]; readonly styles?: readonly string[] };
  /** The app id of `manifest.yml` (`app.id`), for the Forge ids in `view.getContext()`. */
  readonly appId?: string;
  /** Where unexpected resolver failures are reported (default: console.error). */
  readonly log?: (line: string) => void;
}

/** The cookie holding the account id of the user chosen in the shell. */
export const USER_COOKIE = 'forge-local-user';
/** The cookie holding the colour mode chosen in the shell (`light` or `dark`). */
export const THEME_COOKIE = 'forge-local-theme';
