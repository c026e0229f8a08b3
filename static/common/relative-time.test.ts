import { describe, expect, it } from '@jest/globals';
import { durationText, exactTime, relativeTime } from './relative-time';

const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);

describe('relativeTime', () => {
  it.each([
    [NOW, 'just now'],
    [NOW - 59_000, 'just now'],
    // The host's clock may run ahead of the browser's: never "in 5 seconds".
    [NOW + 5_000, 'just now'],
    [NOW - 60_000, '1 minute ago'],
    [NOW - 5 * 60_000, '5 minutes ago'],
    [NOW - 3 * 60 * 60_000, '3 hours ago'],
    [NOW - 24 * 60 * 60_000, 'yesterday'],
    [NOW - 5 * 24 * 60 * 60_000, '5 days ago'],
    [NOW + 2 * 60 * 60_000, 'in 2 hours'],
  ])('%p reads %p', (at, expected) => {
    expect(relativeTime(at, NOW)).toBe(expected);
  });

  it('reads a time of something that happened, but later than now, as just now', () => {
    expect(relativeTime(NOW + 8 * 60_000, NOW, { inPast: true })).toBe('just now');
    expect(relativeTime(NOW - 8 * 60_000, NOW, { inPast: true })).toBe('8 minutes ago');
  });
});

describe('exactTime and durationText', () => {
  it('says the exact UTC time with seconds', () => {
    expect(exactTime(Date.UTC(2026, 0, 5, 14, 3, 7, 450))).toBe('2026-01-05 14:03:07 UTC');
  });
  it.each([
    [12, '12 ms'],
    [999.4, '999 ms'],
    [999.6, '1.0 s'],
    [2_340, '2.3 s'],
  ])('%p ms reads %p', (ms, expected) => {
    expect(durationText(ms)).toBe(expected);
  });
});
