/**
 * `npm start`: the whole app in the offline Forge host, with demo data.
 * `npm start -- --help` lists the options.
 */
import './install-egress';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalApp } from './local-app';

const HELP = `Projectrak Webhooks — offline Forge host

Usage: npm start -- [options]

  --port <n>             HTTP port of the host on 127.0.0.1 (default 4040; 0 picks a free one)
  --receiver-port <n>    HTTPS port of the demo webhook receiver (default 4043; 0 picks a free one)
  --state <dir>          where the host keeps its state (default .forge-local/)
  --fresh                start from new state: delete the state folder first, then seed demo data
  --chaos <spec>         queue chaos for reliability testing, e.g.
                         "duplicate=0.1,reorder,fail=0.05,timeout=0.02,seed=7"
  --api-token <token>    create a management API token with this value for the seeded admin
                         (if missing), so scripts can call the API at once
  --allow-loopback       let webhooks target loopback addresses (the demo receiver); on by default
  --no-allow-loopback    apply the URL policy exactly as deployed (loopback rejected)
  --help                 show this help
`;

export interface CliOptions {
  port: number;
  receiverPort: number;
  stateDir: string;
  fresh: boolean;
  chaos: string | undefined;
  apiToken: string | undefined;
  allowLoopback: boolean;
}

export function parseCli(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowNegative: true,
    options: {
      port: { type: 'string', default: '4040' },
      'receiver-port': { type: 'string', default: '4043' },
      state: { type: 'string', default: '.forge-local' },
      fresh: { type: 'boolean', default: false },
      chaos: { type: 'string' },
      'api-token': { type: 'string' },
      'allow-loopback': { type: 'boolean', default: true },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const port = (name: string, value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${name} must be a port number 0..65535, got ${value}`);
    return n;
  };
  return {
    port: port('port', values.port),
    receiverPort: port('receiver-port', values['receiver-port']),
    stateDir: values.state,
    fresh: values.fresh,
    chaos: values.chaos,
    apiToken: values['api-token'],
    allowLoopback: values['allow-loopback'],
  };
}

async function main(): Promise<void> {
  let options: CliOptions | 'help';
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(HELP);
    return;
  }
  if (options.fresh) rmSync(options.stateDir, { recursive: true, force: true });
  const app = await startLocalApp({ ...options, databaseFile: join(options.stateDir, 'host.sqlite') });
  console.log(app.banner());
  const shutdown = async () => {
    await app.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

if (require.main === module) void main();
