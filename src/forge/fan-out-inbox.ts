import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { kvs, Filter, FilterConditions } from '@forge/kvs';
import type { ChangeEventPublisher, Clock, FanOutInbox, FanOutInboxNote, WakeUpQueue } from '../app/ports';
import { fanOutInboxSchema, parseStoredRecord, type FanOutInboxRecord } from '../domain/records';
import { PushRefusedError } from './queues';
import { ENTITY, storageKeys } from './storage-keys';

/** A wake-up pushed longer ago than this and not taken is presumed lost: the next save pushes again. */
export const INBOX_WAKE_WINDOW_MS = 60_000;
/** Ids one inbox holds (about 40 KB); one fan-out run takes 100 of them. */
const INBOX_MAX = 1000;
const TAKE_MAX = 100;

/**
 * A note written with a save keeps the save's transaction within one 10 KB write unit: a longer
 * inbox (a burst the fan-out has not caught up with) is added to by a write of its own instead.
 */
const NOTE_MAX_IDS = 100;

type Transaction = ReturnType<typeof kvs.transact>;

/** Adds the inbox's conditional write (still at the version read) to a transaction. */
export function withInboxWrite(tx: Transaction, note: FanOutInboxNote): Transaction {
  const condition =
    note.expected.version === 0
      ? new Filter<FanOutInboxRecord>().and('version', FilterConditions.notExists())
      : new Filter<FanOutInboxRecord>().and('version', FilterConditions.equalTo(note.expected.version));
  return tx.set(storageKeys.fanOutInbox(), note.next, { entityName: ENTITY.fanOutInbox, conditions: condition });
}

const EMPTY: FanOutInboxRecord = { schemaVersion: 1, version: 0, wakePushedAt: 0, changeIds: [] };

function inboxEntity() {
  const inboxes = kvs.entity<FanOutInboxRecord>(ENTITY.fanOutInbox);
  const key = storageKeys.fanOutInbox();

  async function load(): Promise<FanOutInboxRecord> {
    const value = await inboxes.get(key);
    return value === undefined ? EMPTY : parseStoredRecord(fanOutInboxSchema, 'fan-out inbox', key, value);
  }

  /** Writes `next` if the version is still `current.version`; answers whether it did (a lost answer counts). */
  async function writeIf(current: FanOutInboxRecord, next: FanOutInboxRecord): Promise<boolean> {
    try {
      await withInboxWrite(kvs.transact(), { expected: current, next }).execute();
      return true;
    } catch (error) {
      const stored = await load();
      if (isDeepStrictEqual(stored, next)) return true;
      if (stored.version !== current.version) return false;
      throw error;
    }
  }
  return { load, writeIf };
}

/**
 * The save path's publisher: saves close together share one `field-changes` wake-up (DESIGN.md
 * section 1), so a burst of saves costs a few queue events, not one each. The first save pushes a
 * wake-up at once and notes it; a save while it is on its way (until the fan-out starts) adds its
 * change id to the inbox instead. The fan-out empties the inbox when it runs. Whatever
 * goes wrong here, the change record stays `pending` and the sweeper pushes it.
 */
export function createCoalescingPublisher(queue: WakeUpQueue, clock: Clock): ChangeEventPublisher {
  const inbox = inboxEntity();
  const wakeOnItsWay = (current: FanOutInboxRecord, now: number) => current.wakePushedAt > 0 && now - current.wakePushedAt < INBOX_WAKE_WINDOW_MS;
  return {
    async noteWithSave(changeId) {
      const current = await inbox.load();
      if (!wakeOnItsWay(current, clock.now()) || current.changeIds.length >= NOTE_MAX_IDS) return undefined;
      return { expected: current, next: { ...current, version: current.version + 1, changeIds: [...current.changeIds, changeId] } };
    },

    async publishFieldChange(changeId) {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const current = await inbox.load();
        const now = clock.now();
        if (wakeOnItsWay(current, now) && current.changeIds.length < INBOX_MAX) {
          const next = { ...current, version: current.version + 1, changeIds: [...current.changeIds, changeId] };
          if (await inbox.writeIf(current, next)) return;
          continue;
        }
        if ((await queue.wakeFanOut([changeId])).kind === 'refused') throw new PushRefusedError(`change ${changeId}`);
        // Noting it is best effort: without the note the next save just pushes its own wake-up.
        await inbox.writeIf(current, { ...current, version: current.version + 1, wakePushedAt: now }).catch(() => false);
        return;
      }
      if ((await queue.wakeFanOut([changeId])).kind === 'refused') throw new PushRefusedError(`change ${changeId}`);
    },
  };
}

export function createKvsFanOutInbox(): FanOutInbox {
  const inbox = inboxEntity();
  return {
    async take() {
      const takenBy = randomUUID();
      for (let attempt = 0; attempt < 8; attempt += 1) {
        const current = await inbox.load();
        if (current.version === 0 || (current.changeIds.length === 0 && current.wakePushedAt === 0)) return { ids: [], more: false };
        const ids = current.changeIds.slice(0, TAKE_MAX);
        const rest = current.changeIds.slice(TAKE_MAX);
        // What is left keeps its wake-up noted: the run that takes these wakes itself for the rest.
        const next: FanOutInboxRecord = { ...current, version: current.version + 1, wakePushedAt: rest.length > 0 ? current.wakePushedAt : 0, changeIds: rest, takenBy };
        if (await inbox.writeIf(current, next)) return { ids, more: rest.length > 0 };
      }
      // Saves keep adding: leave the ids for the next run (they are `pushed`, the index finds them too).
      return { ids: [], more: false };
    },
  };
}
