import type { BulkSaveItem, BulkSaveJob } from './bulk-save-record';
import { BULK_WAKE_LIFETIME_MS, readBulkSave, type BulkSaveStore } from './bulk-save';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 9);

function job(overrides: Partial<BulkSaveJob> = {}): BulkSaveJob {
  return { schemaVersion: 1, id: 'bulk-1', createdBy: 'admin-1', createdAt: T0, projectKeys: ['DEMO', 'OPS'], finishedAt: null, ...overrides };
}

/** A store holding one job: DEMO done, OPS still pending. */
function storeWith(stored: BulkSaveJob): BulkSaveStore {
  const items: BulkSaveItem[] = [
    { schemaVersion: 1, bulkSaveId: stored.id, index: 0, projectKey: 'DEMO', state: 'done', result: { ok: true, project: { id: 1, key: 'DEMO', name: 'Demo' }, revision: 2, changes: [{ id: 10001, name: 'Budget', type: 'number', value: { current: '5', previous: null } }] } },
    { schemaVersion: 1, bulkSaveId: stored.id, index: 1, projectKey: 'OPS', state: 'pending', values: { '10001': 5 } },
  ];
  const unused = () => Promise.reject(new Error('not used by readBulkSave'));
  return { loadJob: async (id) => (id === stored.id ? stored : undefined), loadItems: async () => items, create: unused, saveItem: unused, saveJob: unused, claim: unused };
}

const statusAt = async (stored: BulkSaveJob, now: number) => (await readBulkSave({ bulkSaves: storeWith(stored), clock: { now: () => now } }, stored.id)).status;

describe('readBulkSave: running, finished or stopped', () => {
  it('is running while the wake-up pushed at the hand-over may still run', async () => {
    expect(await statusAt(job(), T0 + BULK_WAKE_LIFETIME_MS)).toBe('running');
  });

  it('is stopped once that wake-up is past the platform\'s 24 hours of retries', async () => {
    expect(await statusAt(job(), T0 + BULK_WAKE_LIFETIME_MS + 1)).toBe('stopped');
    expect(BULK_WAKE_LIFETIME_MS).toBeGreaterThan(24 * HOUR);
  });

  it('counts from the last run that handed the rest on, not from the request', async () => {
    const handedOnLate = job({ lastRunAt: T0 + 20 * HOUR });
    expect(await statusAt(handedOnLate, T0 + 26 * HOUR)).toBe('running');
    expect(await statusAt(handedOnLate, T0 + 20 * HOUR + BULK_WAKE_LIFETIME_MS + 1)).toBe('stopped');
  });

  it('a finished job stays finished however old', async () => {
    const view = await readBulkSave({ bulkSaves: storeWith(job({ finishedAt: T0 + HOUR })), clock: { now: () => T0 + 100 * HOUR } }, 'bulk-1');
    expect(view).toMatchObject({ status: 'finished', pending: ['OPS'], changed: 1 });
  });
});
