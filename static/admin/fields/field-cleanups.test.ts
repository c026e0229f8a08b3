import { describe, expect, it } from '@jest/globals';
import type { FieldCleanupDto } from '../../../src/shared/resolver-contract';
import { cleanupSentence, isRunning, visibleCleanups } from './field-cleanups';

const cleanup = (overrides: Partial<FieldCleanupDto>): FieldCleanupDto => ({
  fieldId: 10004,
  fieldName: 'Budget',
  projectsWithValues: 2,
  projectsCleaned: 0,
  startedAt: 1_000,
  finishedAt: null,
  ...overrides,
});

describe('cleanupSentence', () => {
  it.each([
    [cleanup({ projectsCleaned: 0 }), 'Removing values of Budget: 0 projects cleaned'],
    [cleanup({ projectsCleaned: 1 }), 'Removing values of Budget: 1 project cleaned'],
    [cleanup({ projectsCleaned: 2, finishedAt: 5_000 }), 'Removed values of Budget from 2 projects.'],
    [cleanup({ projectsCleaned: 1, finishedAt: 5_000 }), 'Removed values of Budget from 1 project.'],
  ])('%o reads "%s"', (value, sentence) => {
    expect(cleanupSentence(value)).toBe(sentence);
  });
});

describe('visibleCleanups', () => {
  const budget = cleanup({ fieldId: 1, fieldName: 'Budget' });
  const owner = cleanup({ fieldId: 2, fieldName: 'Owner', finishedAt: 9_000 });

  it('shows running cleanups, and finished ones only when this page saw them running', () => {
    expect(visibleCleanups([budget, owner], [], new Set())).toEqual([budget]);
    expect(visibleCleanups([budget, owner], [], new Set([2]))).toEqual([budget, owner]);
  });

  it("shows the page's own note of a delete until the server lists it (its index lags)", () => {
    const noted = cleanup({ fieldId: 3, fieldName: 'Risk' });
    expect(visibleCleanups([budget], [noted], new Set())).toEqual([noted, budget]);
    const listed = cleanup({ fieldId: 3, fieldName: 'Risk', projectsCleaned: 4 });
    expect(visibleCleanups([listed], [noted], new Set())).toEqual([listed]);
  });

  it('keeps polling while any cleanup runs', () => {
    expect(isRunning([budget])).toBe(true);
    expect(isRunning([owner])).toBe(false);
    expect(isRunning([])).toBe(false);
  });
});
