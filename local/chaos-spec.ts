import type { ChaosOptions } from './platform/queues';

const RATE_KEYS = { duplicate: 'duplicateRate', fail: 'failureRate', timeout: 'timeoutRate' } as const;

/**
 * `--chaos "duplicate=0.1,reorder,fail=0.05,timeout=0.02,seed=7"` -> queue chaos options.
 * Every part is checked; a typo is an error, not a silently calmer run.
 */
export function parseChaosSpec(spec: string): ChaosOptions {
  const options: { -readonly [K in keyof ChaosOptions]: ChaosOptions[K] } = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name = '', value] = part.split('=', 2).map((s) => s.trim());
    if (name === 'reorder') {
      if (value !== undefined && value !== 'true' && value !== 'false') throw new Error(`--chaos: reorder takes no value or true/false, got ${value}`);
      options.reorder = value !== 'false';
    } else if (name === 'seed') {
      if (!value) throw new Error('--chaos: seed needs a value, e.g. seed=7');
      options.seed = /^\d+$/.test(value) ? Number(value) : value;
    } else if (name in RATE_KEYS) {
      const rate = Number(value);
      if (value === undefined || !Number.isFinite(rate) || rate < 0 || rate > 1) throw new Error(`--chaos: ${name} must be a rate between 0 and 1, got ${value ?? 'nothing'}`);
      options[RATE_KEYS[name as keyof typeof RATE_KEYS]] = rate;
    } else {
      throw new Error(`--chaos: unknown part "${part}"; use duplicate=<rate>, reorder, fail=<rate>, timeout=<rate>, seed=<n>`);
    }
  }
  return options;
}
