import { slidingWindowMinutes } from '../../bench/sliding-window';

describe('slidingWindowMinutes (the strict benchmark run\'s prediction)', () => {
  it('a burst under one minute\'s quota is never held back: it takes the app\'s own time', () => {
    expect(slidingWindowMinutes(0.96, 0.5)).toBeCloseTo(0.5);
  });

  it('a burst over one minute\'s quota waits one window, then takes the app\'s time for what is left', () => {
    // 1.5 minutes' quota: the first 2/3 go at once, the last third after the window slides.
    expect(slidingWindowMinutes(1.5, 0.75)).toBeCloseTo(1 + 0.75 / 3);
    expect(slidingWindowMinutes(2.5, 1)).toBeCloseTo(2 + 1 * (0.5 / 2.5));
  });

  it('an app slower than the quota sets the time itself', () => {
    expect(slidingWindowMinutes(1.5, 3)).toBeCloseTo(3);
  });

  it('exactly whole windows end when the last window\'s units are spent', () => {
    expect(slidingWindowMinutes(2, 0.5)).toBeCloseTo(1 + 0.25);
  });

  it('refuses inputs that are no burst', () => {
    expect(() => slidingWindowMinutes(0, 1)).toThrow(/quotaMinutes 0 must be > 0/);
    expect(() => slidingWindowMinutes(1, Number.NaN)).toThrow(/appMinutes NaN/);
  });
});
