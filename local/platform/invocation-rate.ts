/**
 * Forge's rate limits on user-led invocations (Custom UI resolvers and web triggers): at most
 * 1,200 invocations per user and 5,000 per installation in a fixed one-minute window (Forge's
 * invocation limits page). Over them the platform does not run the function and does not retry
 * it: the caller gets a 429. Scheduled triggers and async events are not counted (the platform
 * paces those itself). Windows follow the host's virtual clock.
 */
export interface InvocationRateLimits {
  /** Invocations one user may start in a minute (Forge: 1,200). */
  readonly perUser: number;
  /** Invocations all users and web triggers of the installation may start in a minute (Forge: 5,000). */
  readonly perInstallation: number;
}

export class InvocationRateLimitedError extends Error {
  constructor(
    readonly scope: 'user' | 'installation',
    readonly limit: number,
    /** Seconds until the window ends. */
    readonly retryAfterSeconds: number,
  ) {
    super(`Rate limit exceeded: at most ${limit} invocations per ${scope === 'user' ? 'user' : 'installation'} per minute; the function was not run. Try again in ${retryAfterSeconds} s.`);
    this.name = 'InvocationRateLimitedError';
  }
}

const WINDOW_MS = 60_000;

export function createInvocationRateLimiter(limits: InvocationRateLimits) {
  let window = Number.NaN;
  let installation = 0;
  const users = new Map<string, number>();
  return {
    /** Counts one invocation, or throws InvocationRateLimitedError (nothing counted) when over a limit. */
    take(accountId: string | undefined): void {
      const now = Date.now();
      const current = Math.floor(now / WINDOW_MS);
      if (current !== window) {
        window = current;
        installation = 0;
        users.clear();
      }
      const retryAfterSeconds = Math.max(1, Math.ceil(((current + 1) * WINDOW_MS - now) / 1000));
      const byUser = accountId === undefined ? 0 : (users.get(accountId) ?? 0);
      if (accountId !== undefined && byUser >= limits.perUser) throw new InvocationRateLimitedError('user', limits.perUser, retryAfterSeconds);
      if (installation >= limits.perInstallation) throw new InvocationRateLimitedError('installation', limits.perInstallation, retryAfterSeconds);
      installation += 1;
      if (accountId !== undefined) users.set(accountId, byUser + 1);
    },
  };
}
