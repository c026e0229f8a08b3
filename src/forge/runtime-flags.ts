/**
 * Whether webhooks may target loopback addresses. Only the offline host turns this on (through
 * `__forge_runtime__.localHost`, which the real Forge runtime does not have): deployed code never
 * allows loopback targets.
 */
export function loopbackTargetsAllowed(): boolean {
  const runtime = (globalThis as { __forge_runtime__?: { localHost?: { allowLoopbackTargets?: unknown } } }).__forge_runtime__;
  return runtime?.localHost?.allowLoopbackTargets === true;
}
