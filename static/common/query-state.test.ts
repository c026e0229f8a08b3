import { describe, expect, it } from '@jest/globals';
import type { CallError } from './api';
import { nextQueryState, type QueryState } from './query-state';

const error: CallError = { code: 'CALL_FAILED', message: 'the host is down' };
const ready: QueryState<number> = { status: 'ready', value: 1, refreshError: null };

describe('nextQueryState', () => {
  it('a success is ready with the value and no refresh error', () => {
    expect(nextQueryState<number>({ status: 'loading' }, { ok: true, value: 2 }, false)).toEqual({ status: 'ready', value: 2, refreshError: null });
    expect(nextQueryState<number>({ ...ready, refreshError: error }, { ok: true, value: 3 }, true)).toEqual({ status: 'ready', value: 3, refreshError: null });
  });

  it('a failed quiet refresh keeps the value shown and names the error', () => {
    expect(nextQueryState(ready, { ok: false, error }, true)).toEqual({ status: 'ready', value: 1, refreshError: error });
  });

  it('a failed load, or a failed refresh with nothing shown yet, is failed', () => {
    expect(nextQueryState(ready, { ok: false, error }, false)).toEqual({ status: 'failed', error });
    expect(nextQueryState<number>({ status: 'loading' }, { ok: false, error }, true)).toEqual({ status: 'failed', error });
  });
});
