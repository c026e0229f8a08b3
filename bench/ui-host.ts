/**
 * The offline host for `npm run bench:ui`, in a process of its own: the browser driver's protocol
 * traffic (a message per request and response) would otherwise share the host's event loop and
 * slow the very pages being measured. Started by bench/ui-load.ts; prints a line
 * `ui-host ready { baseUrl, demoWebhookId }` once it serves, logs to stderr, and stops when its
 * stdin closes. `BENCH_UI_DIST` (set by `bench:ui -- --dist <dir>`) serves another build of the UI.
 */
import '../local/install-egress';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalApp } from '../local/local-app';
import { DEMO_USERS } from '../local/platform/jira-site';

async function main(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'projectrak-bench-ui-'));
  const uiDistDir = process.env.BENCH_UI_DIST;
  const app = await startLocalApp({
    databaseFile: ':memory:',
    stateDir,
    port: 0,
    receiverPort: 0,
    allowLoopback: true,
    demoWebhook: true,
    ...(uiDistDir ? { uiDistDir } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await app.stop();
    rmSync(stateDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  process.stdin.resume();
  await app.host.settle();

  // The demo data's webhook (to the demo receiver), asked as the Jira admin from the admin page.
  const admin = app.host.manifest.uiModules.find((m) => m.moduleType === 'jira:adminPage');
  if (!admin) throw new Error('manifest.yml has no jira:adminPage module');
  const answer = (await app.host.runtime.invokeResolver({
    moduleKey: admin.key,
    functionKey: 'listWebhooks',
    payload: {},
    accountId: DEMO_USERS.admin.accountId,
    extensionContext: { type: admin.moduleType },
  })) as { ok?: boolean; value?: { webhooks?: readonly { id: string }[] } };
  const demoWebhookId = answer.value?.webhooks?.[0]?.id;
  if (answer.ok !== true || demoWebhookId === undefined) throw new Error(`the demo data has no webhook: listWebhooks answered ${JSON.stringify(answer)}`);
  process.stdout.write(`ui-host ready ${JSON.stringify({ baseUrl: app.server.baseUrl, demoWebhookId })}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
