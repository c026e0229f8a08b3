/**
 * `npm start`: the whole app in the offline Forge host, with demo data.
 * `npm start -- --help` lists the options.
 */
import './install-egress';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MIN_API_TOKEN_LENGTH } from '../src/domain/api-token';
import { parseChaosSpec } from './chaos-spec';
import { certificatesIn } from './demo-receiver';
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
  --trust-cert <pem>     also deliver to your own local HTTPS receiver: the host trusts this
                         certificate (a PEM file); repeat for several receivers
  --forge-fidelity <m>   default | strict: strict behaves as Forge does in time and at scale
                         (queries lag writes, KVS 429s at Forge's rates, push chains cut, busy
                         concurrency keys held back, late events under --chaos)
  --egress-latency <ms>  every outbound request of the app waits this long first, as if each
                         receiver were that far away (e.g. 250); default 0
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
  /** `--forge-fidelity strict`; absent: the default (kind) host. */
  fidelity?: 'strict';
  /** `--trust-cert`: the certificates (PEM) of the files given, which the host's egress trusts. */
  trustCertificates?: string[];
  /** `--egress-latency`: ms every outbound request of the app waits; absent: none. */
  egressLatencyMs?: number;
}

/** A mistake on the command line: one line saying what is wrong and what is accepted (exit status 2). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

const OPTIONS = {
  port: { type: 'string', default: '4040' },
  'receiver-port': { type: 'string', default: '4043' },
  state: { type: 'string', default: '.forge-local' },
  fresh: { type: 'boolean', default: false },
  chaos: { type: 'string' },
  'api-token': { type: 'string' },
  'allow-loopback': { type: 'boolean', default: true },
  'forge-fidelity': { type: 'string', default: 'default' },
  'trust-cert': { type: 'string', multiple: true },
  'egress-latency': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

const ACCEPTED = `accepted options: ${Object.keys(OPTIONS).map((name) => `--${name}`).join(', ')}, --no-allow-loopback (npm start -- --help explains them)`;

/** node:util's parse errors, reworded as one line that also says what is accepted. */
function parseError(error: unknown): CliError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(--?[^' ]+)/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new CliError(`unknown option ${option}; ${ACCEPTED}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new CliError(/argument missing/.test(message) ? `${option} needs a value, e.g. ${option} <value>` : `${option} takes no value; use ${option} alone`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new CliError(`unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}; options start with --, and ${ACCEPTED}`);
    default:
      return new CliError(`${message}; ${ACCEPTED}`);
  }
}

function fidelity(value: string): 'default' | 'strict' {
  if (value === 'default' || value === 'strict') return value;
  throw new CliError(`--forge-fidelity must be default or strict, got "${value}"`);
}

/** The certificates of every `--trust-cert` file, read and checked now (a mistake is one line). */
function trustedCertificates(files: readonly string[] | undefined): string[] {
  const certificates: string[] = [];
  for (const file of files ?? []) {
    if (file.trim() === '') throw new CliError('--trust-cert needs a PEM file, e.g. --trust-cert ./receiver-cert.pem');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new CliError(`--trust-cert: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : String(code ?? error)})`);
    }
    try {
      certificates.push(...certificatesIn(text, `--trust-cert ${file}`));
    } catch (error) {
      throw new CliError(error instanceof Error ? error.message : String(error));
    }
  }
  return certificates;
}

/** Whole milliseconds, at most a minute (a receiver farther away than that is a timeout, not latency). */
function egressLatency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n > 60_000) throw new CliError(`--egress-latency must be a whole number of milliseconds from 0 to 60000, e.g. --egress-latency 250, got "${value}"`);
  return n;
}

function port(name: string, value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n > 65535) throw new CliError(`--${name} must be a port number from 0 to 65535 (0 picks a free one), got "${value}"`);
  return n;
}

/** The same rule as the management API's Bearer header: long enough, and one word. */
function apiToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length < MIN_API_TOKEN_LENGTH || /\s/.test(value)) {
    throw new CliError(`--api-token must be at least ${MIN_API_TOKEN_LENGTH} characters without spaces (it is sent as "Authorization: Bearer <token>"), got ${value.length} character${value.length === 1 ? '' : 's'}${/\s/.test(value) ? ' with spaces' : ''}`);
  }
  return value;
}

/**
 * Every option and value, checked before anything touches the state folder: a mistake throws a
 * CliError and nothing has been written or deleted.
 */
export function parseCli(argv: string[]): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowNegative: true, options: OPTIONS }));
  } catch (error) {
    throw parseError(error);
  }
  if (values.help) return 'help';
  if (values.state.trim() === '') throw new CliError('--state needs a folder, e.g. --state .forge-local');
  if (values.chaos !== undefined) {
    try {
      parseChaosSpec(values.chaos);
    } catch (error) {
      throw new CliError(error instanceof Error ? error.message : String(error));
    }
  }
  const options: CliOptions = {
    port: port('port', values.port),
    receiverPort: port('receiver-port', values['receiver-port']),
    stateDir: values.state,
    fresh: values.fresh,
    chaos: values.chaos,
    apiToken: apiToken(values['api-token']),
    allowLoopback: values['allow-loopback'],
    ...(fidelity(values['forge-fidelity']) === 'strict' ? { fidelity: 'strict' as const } : {}),
  };
  const latency = egressLatency(values['egress-latency']);
  if (latency !== undefined && latency > 0) options.egressLatencyMs = latency;
  const trust = trustedCertificates(values['trust-cert']);
  if (trust.length > 0) options.trustCertificates = trust;
  if (options.port !== 0 && options.port === options.receiverPort) throw new CliError(`--port and --receiver-port must differ, both are ${options.port}`);
  return options;
}

async function main(): Promise<void> {
  let options: CliOptions | 'help';
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(`npm start: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(HELP);
    return;
  }
  if (options.fresh) rmSync(options.stateDir, { recursive: true, force: true });
  const app = await startLocalApp({ ...options, demoWebhook: true, databaseFile: join(options.stateDir, 'host.sqlite') });
  console.log(app.banner());
  const shutdown = async () => {
    await app.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

if (require.main === module) void main();
