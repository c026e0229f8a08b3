import { describe, expect, it } from '@jest/globals';
import { scrollNeeded } from './page-behaviour';

describe('keeping focus out from under the sticky header', () => {
  it('moves an element that starts under the header to just below it', () => {
    expect(scrollNeeded(190, { top: 120, bottom: 152 }, 800)).toBe(78);
  });

  it('leaves an element that is already below the header where it is', () => {
    expect(scrollNeeded(190, { top: 198, bottom: 230 }, 800)).toBe(0);
    expect(scrollNeeded(190, { top: 400, bottom: 432 }, 800)).toBe(0);
  });

  it('leaves elements that are off screen to the browser', () => {
    expect(scrollNeeded(190, { top: -80, bottom: -40 }, 800)).toBe(0);
    expect(scrollNeeded(190, { top: 900, bottom: 932 }, 800)).toBe(0);
  });
});
