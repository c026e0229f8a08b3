import { startTestHost, type TestHost } from '../support/host-fixture';
import { dumpStorage, queuedEventCount } from '../support/storage-dump';
import type { ResolverResult } from '../../src/shared/resolver-contract';

/**
 * Issue 7, "Bad input": what an admin (or a script through the bridge) can send to the webhook
 * resolvers that must be refused. Each answer is a clear error naming the problem, and nothing is
 * written: the host's whole KVS and its queues are compared before and after. The host applies the
 * URL policy as deployed (no loopback allowance).
 */

let t: TestHost;
/** A webhook that exists, for the duplicate-name and update cases. */
let existing: { id: string; name: string };
let otherName: string;

beforeAll(async () => {
  t = await startTestHost({ allowLoopbackTargets: false, log: () => undefined });
  existing = (await t.invokeOk('admin', 'createWebhook', { name: 'Existing hook', url: 'https://hooks.example.com/existing' })).webhook;
  otherName = (await t.invokeOk('admin', 'createWebhook', { name: 'Other hook', url: 'https://hooks.example.com/other' })).webhook.name;
});

afterAll(async () => {
  await t.stop();
});

type Refusal = { readonly code: string; readonly message: RegExp };

/** Calls a resolver with a payload of any shape (the bridge forwards whatever the browser sends). */
async function call(name: string, payload: unknown): Promise<ResolverResult<unknown>> {
  return (t.invoke as unknown as (user: 'admin', name: string, payload: unknown) => Promise<ResolverResult<unknown>>)('admin', name, payload);
}

async function expectRefusedWithoutWrites(name: string, payload: unknown, refusal: Refusal): Promise<void> {
  const before = dumpStorage(t.host);
  const events = queuedEventCount(t.host);
  const result = await call(name, payload);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(refusal.code);
  expect(result.error.message).toMatch(refusal.message);
  expect(dumpStorage(t.host)).toEqual(before);
  expect(queuedEventCount(t.host)).toBe(events);
}

const url = (value: string) => ({ name: 'New hook', url: value });
const invalid = (message: RegExp): Refusal => ({ code: 'INVALID_INPUT', message });

const shown = (value: string) => (value.length > 80 ? `${value.slice(0, 40)}... (${value.length} characters)` : value);

describe('createWebhook refuses URLs the policy forbids, naming the rule', () => {
  it.each(
    ([
      ['http://hooks.example.com/x', /must start with https:\/\//],
      ['ftp://hooks.example.com/x', /must start with https:\/\//],
      ['hooks.example.com/x', /not a valid URL/],
      ['https://127.0.0.1/x', /loopback address/],
      ['https://[::1]/x', /loopback address/],
      ['https://localhost:8443/x', /is this machine/],
      ['https://api.localhost/x', /\*\.localhost name/],
      ['https://2130706433/x', /loopback address/],
      ['https://0x7f.1/x', /loopback address/],
      ['https://10.1.2.3/x', /private network address/],
      ['https://192.168.0.10/x', /private network address/],
      ['https://[fd00::1]/x', /private/],
      ['https://[::ffff:10.0.0.1]/x', /private network address/],
      ['https://169.254.169.254/latest/meta-data', /metadata address/],
      ['https://100.64.0.1/x', /carrier-grade NAT/],
      ['https://0.0.0.0/x', /unspecified|this network/],
      ['https://intranet/x', /single-label name/],
      ['https://printer.local/x', /\.local/],
      ['https://jira.internal/x', /\.internal/],
      ['https://user:pw@hooks.example.com/x', /user:password@/],
      ['https://hooks.example.com/x#frag', /fragment/],
      [`https://hooks.example.com/${'a'.repeat(2001)}`, /at most 2,?000 characters/],
    ] as const).map(([value, message]) => ({ label: shown(value), value, message })),
  )('$label', async ({ value, message }) => {
    await expectRefusedWithoutWrites('createWebhook', url(value), invalid(message));
  });

  it('updateWebhook refuses them too, and the stored URL stays', async () => {
    await expectRefusedWithoutWrites('updateWebhook', { id: existing.id, url: 'http://hooks.example.com/plain' }, invalid(/https:\/\//));
    await expectRefusedWithoutWrites('updateWebhook', { id: existing.id, url: 'https://192.168.1.1/x' }, invalid(/private network address/));
    expect((await t.invokeOk('admin', 'getWebhook', { id: existing.id })).url).toBe('https://hooks.example.com/existing');
  });
});

describe('names', () => {
  it.each([
    ['empty', '', /name is required/],
    ['blank', '   ', /name is required/],
    ['over 120 characters', 'n'.repeat(121), /at most 120 characters/],
    ['not text', 42, /name/],
  ])('%s', async (_label, name, message) => {
    await expectRefusedWithoutWrites('createWebhook', { name, url: 'https://hooks.example.com/n' }, invalid(message));
  });

  it('a duplicate name (any case, any surrounding spaces) is a conflict naming the name', async () => {
    await expectRefusedWithoutWrites('createWebhook', { name: 'Existing hook', url: 'https://hooks.example.com/dup' }, { code: 'CONFLICT', message: /"Existing hook" exists already/ });
    await expectRefusedWithoutWrites('createWebhook', { name: '  existing HOOK ', url: 'https://hooks.example.com/dup' }, { code: 'CONFLICT', message: /exists already/ });
    await expectRefusedWithoutWrites('updateWebhook', { id: existing.id, name: otherName }, { code: 'CONFLICT', message: /exists already/ });
  });
});

describe('filters', () => {
  const base = { name: 'Filtered', url: 'https://hooks.example.com/f' };
  it.each([
    ['projectKeys not a list', { projectKeys: 'DEMO' }, /projectKeys/],
    ['a project key that is no key', { projectKeys: ['de mo'] }, /projectKeys\.0: project keys look like DEMO/],
    ['a project key that is a number', { projectKeys: [13647] }, /projectKeys\.0/],
    ['over 100 projects', { projectKeys: Array.from({ length: 101 }, (_, i) => `P${i}`) }, /projectKeys/],
    ['an empty project list', { projectKeys: [] }, /at least one project/],
    ['fieldIds as text', { fieldIds: ['1'] }, /fieldIds\.0/],
    ['a negative field id', { fieldIds: [-1] }, /fieldIds\.0/],
    ['a fractional field id', { fieldIds: [1.5] }, /fieldIds\.0/],
    ['an empty field list', { fieldIds: [] }, /at least one field/],
    ['an unknown property', { events: ['updated'] }, /events|Unrecognized|unrecognized/],
  ])('%s', async (_label, extra, message) => {
    await expectRefusedWithoutWrites('createWebhook', { ...base, ...extra }, invalid(message));
  });

  it('unknown project keys are named, and so are unknown field ids', async () => {
    await expectRefusedWithoutWrites('createWebhook', { ...base, projectKeys: ['DEMO', 'NOPE', 'GHOST'] }, invalid(/Unknown projects: NOPE, GHOST\. Nothing was saved\./));
    await expectRefusedWithoutWrites('createWebhook', { ...base, fieldIds: [999_999] }, invalid(/Unknown field id: 999999\. Nothing was saved\./));
    await expectRefusedWithoutWrites('updateWebhook', { id: existing.id, projectKeys: ['NOPE'] }, invalid(/Unknown project: NOPE/));
    await expectRefusedWithoutWrites('updateWebhook', { id: existing.id, fieldIds: [424_242] }, invalid(/Unknown field id: 424242/));
  });
});

describe('unknown or malformed webhook and delivery ids', () => {
  const ghost = 'no-such-webhook-0000';
  it.each([
    ['getWebhook', { id: ghost }],
    ['updateWebhook', { id: ghost, name: 'Renamed' }],
    ['deleteWebhook', { id: ghost }],
    ['rotateWebhookSecret', { id: ghost }],
    ['sendTestDelivery', { id: ghost }],
    ['listDeliveries', { webhookId: ghost }],
    ['resendFailed', { webhookId: ghost, since: 0 }],
  ])('%s of an unknown webhook: NOT_FOUND naming the id', async (name, payload) => {
    await expectRefusedWithoutWrites(name, payload, { code: 'NOT_FOUND', message: new RegExp(`no webhook with id ${ghost}`) });
  });

  it.each([
    ['getDelivery', { deliveryId: 'msg_0000000000000000' }],
    ['redeliver', { deliveryId: 'msg_0000000000000000' }],
  ])('%s of an unknown delivery: NOT_FOUND naming the id', async (name, payload) => {
    await expectRefusedWithoutWrites(name, payload, { code: 'NOT_FOUND', message: /no delivery with id msg_0000000000000000/ });
  });

  it('a delivery log cursor the list never returned: INVALID_INPUT naming the cursor (found by the fuzzer: it threw)', async () => {
    await expectRefusedWithoutWrites('listDeliveries', { webhookId: existing.id, cursor: 'mfAk' }, invalid(/cursor is not valid/));
  });

  it.each([
    ['getWebhook', { id: '../secrets' }, /id: webhook ids are letters, digits, _ and -/],
    ['deleteWebhook', { id: '' }, /id/],
    ['rotateWebhookSecret', { id: 'x'.repeat(65) }, /id/],
    ['redeliver', { deliveryId: 'msg/../../x' }, /deliveryId: delivery ids are letters/],
    ['resendFailed', { webhookId: 'some-webhook', since: -1 }, /since/],
    ['getWebhook', null, /payload|id/],
    ['getWebhook', 'a string', /payload/],
  ])('%s with a malformed payload %j: INVALID_INPUT naming the property', async (name, payload, message) => {
    await expectRefusedWithoutWrites(name, payload, invalid(message));
  });
});
