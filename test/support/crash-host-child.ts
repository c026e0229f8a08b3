/**
 * The offline host as its own process, for the crash test (test/reliability/crash.test.ts), which
 * kills it with SIGKILL and starts it again on the same state folder.
 *
 * Usage: tsx test/support/crash-host-child.ts <stateDir> <apiToken>
 *
 * It runs the whole app exactly as `npm start` does (startLocalApp: host, SQLite state in
 * <stateDir>/host.sqlite, web triggers, control surface, demo receiver), on free ports. The
 * webhooks' real target is an HTTPS receiver in the test process, which survives the kills: it
 * uses the certificate in <stateDir>/tls, the folder the host's demo receiver loads its own
 * certificate from, so the host's egress (the demo receiver's trusting fetch) trusts it too.
 *
 * When ready it prints one line on stdout: {"ready":"http://127.0.0.1:<port>"}.
 */
import '../../local/install-egress';
import { join } from 'node:path';
import { startLocalApp } from '../../local/local-app';

async function main(): Promise<void> {
  const [stateDir, apiToken] = process.argv.slice(2);
  if (!stateDir || !apiToken) throw new Error('usage: crash-host-child.ts <stateDir> <apiToken>');
  const app = await startLocalApp({
    databaseFile: join(stateDir, 'host.sqlite'),
    port: 0,
    receiverPort: 0,
    stateDir,
    allowLoopback: true,
    apiToken,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify({ ready: app.server.baseUrl })}\n`);
  const shutdown = () => void app.stop().finally(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`crash-host-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
