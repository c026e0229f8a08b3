import { parseChaosSpec } from './chaos-spec';

describe('parseChaosSpec', () => {
  it.each([
    ['duplicate=0.1,reorder,fail=0.05,timeout=0.02,seed=7', { duplicateRate: 0.1, reorder: true, failureRate: 0.05, timeoutRate: 0.02, seed: 7 }],
    ['reorder=false', { reorder: false }],
    ['seed=abc', { seed: 'abc' }],
    [' duplicate = 1 ', { duplicateRate: 1 }],
  ])('%s', (spec, expected) => {
    expect(parseChaosSpec(spec)).toEqual(expected);
  });

  it.each([
    ['duplicate=2', /duplicate must be a rate between 0 and 1/],
    ['fail', /fail must be a rate/],
    ['explode=1', /unknown part "explode=1"/],
    ['seed=', /seed needs a value/],
    ['reorder=maybe', /reorder takes no value/],
  ])('rejects %s', (spec, message) => {
    expect(() => parseChaosSpec(spec)).toThrow(message);
  });
});
