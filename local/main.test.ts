import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError, parseCli } from './main';

const mistake = (argv: string[]): string => {
  try {
    parseCli(argv);
  } catch (error) {
    if (error instanceof CliError) return error.message;
    throw error;
  }
  throw new Error(`no mistake found in ${argv.join(' ')}`);
};

describe('npm start: every mistake on the command line is one clear line', () => {
  it.each<[string, string[], RegExp]>([
    ['a short API token', ['--api-token', 'short'], /^--api-token must be at least 20 characters without spaces .*got 5 characters$/],
    ['an API token with spaces', ['--api-token', 'a token with spaces in it'], /^--api-token must be .* with spaces$/],
    ['an unknown option', ['--prot', '4040'], /^unknown option --prot; accepted options: --port, --receiver-port, --state, --fresh, --chaos, --api-token/],
    ['a missing value', ['--port'], /^--port needs a value, e.g. --port <value>$/],
    ['a value for a switch', ['--fresh=yes'], /^--fresh takes no value; use --fresh alone$/],
    ['a stray argument', ['fresh'], /^unexpected argument fresh; options start with --/],
    ['a port that is not a number', ['--port', 'http'], /^--port must be a port number from 0 to 65535 \(0 picks a free one\), got "http"$/],
    ['a port out of range', ['--receiver-port', '70000'], /^--receiver-port must be a port number from 0 to 65535/],
    ['a negative port', ['--port=-1'], /^--port must be a port number/],
    ['the same port twice', ['--port', '5000', '--receiver-port', '5000'], /^--port and --receiver-port must differ, both are 5000$/],
    ['an empty state folder', ['--state', ' '], /^--state needs a folder/],
    ['a chaos typo', ['--chaos', 'dupliacte=0.1'], /^--chaos: unknown part "dupliacte=0.1"; use duplicate=<rate>/],
    ['a chaos rate out of range', ['--chaos', 'fail=2'], /^--chaos: fail must be a rate between 0 and 1, got 2$/],
  ])('%s', (_case, argv, message) => {
    const said = mistake(argv);
    expect(said).toMatch(message);
    expect(said).not.toContain('\n');
  });

  it('accepts the documented options', () => {
    expect(parseCli(['--port', '0', '--receiver-port', '0', '--state', 's', '--fresh', '--chaos', 'reorder,seed=7', '--api-token', 'prw_abcdefghijklmnopqrstuvwxyz', '--no-allow-loopback'])).toEqual({
      port: 0,
      receiverPort: 0,
      stateDir: 's',
      fresh: true,
      chaos: 'reorder,seed=7',
      apiToken: 'prw_abcdefghijklmnopqrstuvwxyz',
      allowLoopback: false,
    });
    expect(parseCli(['--help'])).toBe('help');
    expect(parseCli(['--forge-fidelity', 'strict'])).toMatchObject({ fidelity: 'strict' });
    expect(parseCli(['--forge-fidelity', 'default'])).not.toHaveProperty('fidelity');
    expect(() => parseCli(['--forge-fidelity', 'exact'])).toThrow('--forge-fidelity must be default or strict, got "exact"');
  });

  it('the real command: one line on stderr, exit status 2, nothing written to the state folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'projectrak-cli-'));
    try {
      const state = join(dir, 'state');
      const root = resolve(__dirname, '..');
      const run = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'local', 'main.ts'), '--fresh', '--state', state, '--api-token', 'short'], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^npm start: --api-token must be at least 20 characters/)]);
      expect(run.stdout).toBe('');
      expect(existsSync(state)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
