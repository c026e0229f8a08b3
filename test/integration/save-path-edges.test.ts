import { kvs } from '@forge/kvs';
import { asApp, startTestHost, type TestHost, queriesCaughtUp } from '../support/host-fixture';

let t: TestHost;

afterEach(async () => {
  await t.stop();
});

describe('save path edges', () => {
  it('a site whose install event was lost gets the default catalog on first read', async () => {
    t = await startTestHost({ seedCatalog: false });
    const { fields } = await t.invokeOk('viewer', 'listFieldDefinitions');
    expect(fields.map((f) => f.name)).toContain('Budget');
    expect(fields).toHaveLength(9);
  });

  it('a save too large to store is refused with the fields to shorten, and nothing is written', async () => {
    t = await startTestHost();
    const a = await t.invokeOk('admin', 'createField', { name: 'Notes A', type: 'textarea' });
    const b = await t.invokeOk('admin', 'createField', { name: 'Notes B', type: 'textarea' });
    const long = (c: string) => c.repeat(30_000);
    const first = await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [a.id]: long('a'), [b.id]: long('b') } });
    // The change record of the next save holds previous and current of four long texts.
    const c = await t.invokeOk('admin', 'createField', { name: 'Notes C', type: 'textarea' });
    const result = await t.invoke('admin', 'saveProjectFields', {
      projectKey: 'DEMO',
      baseRevision: first.revision,
      values: { [a.id]: long('🙂'), [b.id]: long('é'), [c.id]: long('c') },
    });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/too large to store.*Shorten the longest texts: Notes A/) }) });
    const after = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    expect(after.revision).toBe(first.revision);
  });

  it.each(['projectAdmin', 'viewer'] as const)('admin operations answer %s FORBIDDEN before looking at the payload', async (user) => {
    t = await startTestHost();
    expect(await t.invoke(user, 'createField', { nonsense: true } as never)).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) });
    expect(await t.invoke('admin', 'createField', { nonsense: true } as never)).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT' }) });
  });

  it('the sweeper skips a pending change record of an unexpected shape and still pushes the others', async () => {
    t = await startTestHost({ log: () => undefined });
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = view.fields.find((f) => f.name === 'Budget');
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [String(budget?.id)]: 1 } });
    await t.host.settle();
    await queriesCaughtUp();
    const goodKey = await asApp(async () => {
      const changes = kvs.entity<Record<string, unknown>>('field-change');
      const [good] = (await changes.query().index('by-project', { partition: [13647] }).getMany()).results;
      if (!good) throw new Error('no change record');
      await changes.set(good.key, { ...good.value, pushState: 'pending' });
      // An older shape: no fields at all.
      await changes.set('change:legacy', { ...good.value, changeId: 'legacy', revision: 99, fields: [], pushState: 'pending' });
      return good.key;
    });
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: unknown) => void errors.push(String(line));
    try {
      await t.host.clock.advance(3 * 60_000);
      await t.host.scheduler.runNow('delivery-sweeper');
      await t.host.settle();
    } finally {
      console.error = original;
    }
    expect(await asApp(() => kvs.entity<{ pushState: string }>('field-change').get(goodKey))).toMatchObject({ pushState: 'fanned-out' });
    expect(errors.join('\n')).toMatch(/skipped Stored field change change:legacy has an unexpected shape: fields/);
  });
});

describe('a commit whose answer is lost', () => {
  it('a save whose transaction committed but whose answer was lost is reported as saved, not as a conflict', async () => {
    let loseNext = false;
    t = await startTestHost({
      interceptPlatform: async (request, next) => {
        const response = await next();
        if (loseNext && request.options.type === 'kvs' && request.path === '/api/v1/transaction') {
          loseNext = false;
          return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'connection reset after commit' }), { status: 500, headers: { 'content-type': 'application/json' } });
        }
        return response;
      },
    });
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = String(view.fields.find((f) => f.name === 'Budget')?.id);
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget]: 1 } });
    loseNext = true;
    const saved = await t.invoke('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 1, values: { [budget]: 2 } });
    expect(loseNext).toBe(false); // the fault really happened
    expect(saved).toEqual({ ok: true, value: { revision: 2, changedFieldIds: [Number(budget)] } });
  });

  it('a transaction that really failed is not taken for a success', async () => {
    let failNext = false;
    t = await startTestHost({
      interceptPlatform: async (request, next) => {
        if (failNext && request.options.type === 'kvs' && request.path === '/api/v1/transaction') {
          failNext = false;
          return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'storage unavailable' }), { status: 500, headers: { 'content-type': 'application/json' } });
        }
        return next();
      },
    });
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = String(view.fields.find((f) => f.name === 'Budget')?.id);
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget]: 1 } });
    failNext = true;
    await expect(t.invoke('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 1, values: { [budget]: 2 } })).rejects.toThrow(/storage unavailable/);
    expect((await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' })).revision).toBe(1);
  });
});
