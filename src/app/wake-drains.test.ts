import { MAX_CONTINUED_WAKES, WAKE_IDS } from '../domain/records';
import { WAKE_STEP_SECONDS, WAKES_PER_STEP } from '../domain/wake-policy';
import { manualClock, recordingQueue } from './testing/in-memory-ports';
import { continueWakes, wakeInSteps } from './wake-drains';

const hooks = (n: number) => Array.from({ length: n }, (_, i) => `hook-${i}`);

describe('wakeInSteps', () => {
  it('pushes nothing for nothing', async () => {
    const queue = recordingQueue(manualClock());
    expect(await wakeInSteps(queue, [])).toEqual({ pushed: [], limited: false, continued: 0 });
    expect(queue.drainWakes).toEqual([]);
  });

  it('pushes one step at once, each wake-up with at most WAKE_IDS ids, and continues with the rest', async () => {
    const queue = recordingQueue(manualClock());
    const ids = Array.from({ length: WAKE_IDS + 5 }, (_, i) => `msg_${i}`);
    const wakes = hooks(WAKES_PER_STEP + 2).map((webhookId) => ({ webhookId, deliveryIds: ids }));

    const result = await wakeInSteps(queue, wakes);

    expect(result).toEqual({ pushed: hooks(WAKES_PER_STEP), limited: false, continued: 2 });
    expect(queue.drainWakes.every((w) => w.deliveryIds.length === WAKE_IDS && w.delaySeconds === 0)).toBe(true);
    expect(queue.continuations).toEqual([{ webhookIds: ['hook-50', 'hook-51'], delaySeconds: WAKE_STEP_SECONDS }]);
  });

  it('a continuation carries at most MAX_CONTINUED_WAKES webhooks', async () => {
    const queue = recordingQueue(manualClock());
    await wakeInSteps(queue, hooks(WAKES_PER_STEP + MAX_CONTINUED_WAKES + 10).map((webhookId) => ({ webhookId, deliveryIds: [] })));
    expect(queue.continuations[0]?.webhookIds).toHaveLength(MAX_CONTINUED_WAKES);
  });

  it('says so when the event rate refused some (the sweeper wakes them)', async () => {
    const queue = recordingQueue(manualClock());
    queue.acceptPerCall = 3;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const result = await wakeInSteps(queue, hooks(5).map((webhookId) => ({ webhookId, deliveryIds: [] })));
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/refused 2 drain wake-up/));
    warn.mockRestore();
    expect(result).toEqual({ pushed: hooks(3), limited: true, continued: 0 });
  });

  it('a continuation that cannot be pushed leaves the rest to the sweeper', async () => {
    const queue = recordingQueue(manualClock());
    queue.continueWakes = () => Promise.reject(new Error('queue down'));
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const result = await wakeInSteps(queue, hooks(WAKES_PER_STEP + 1).map((webhookId) => ({ webhookId, deliveryIds: [] })));
    warn.mockRestore();
    expect(result).toEqual({ pushed: hooks(WAKES_PER_STEP), limited: true, continued: 0 });
  });
});

describe('continueWakes', () => {
  it('wakes the next step of a continuation and continues again', async () => {
    const queue = recordingQueue(manualClock());
    expect(await continueWakes(queue, hooks(WAKES_PER_STEP + 7))).toEqual({ pushed: WAKES_PER_STEP, continued: 7 });
    expect(queue.drainWakes.map((w) => w.deliveryIds)).toEqual(hooks(WAKES_PER_STEP).map(() => []));
  });
});
