import { startTestHost, type TestHost } from '../support/host-fixture';

/**
 * A resolver call's `functionKey` must name one of the app's own resolver functions. The real
 * `@forge/resolver` looks the name up with `in`, so `Object.prototype` names would reach it:
 * `constructor` would answer the call's context to anyone, with no admin check.
 */
let t: TestHost;

beforeAll(async () => {
  t = await startTestHost();
});
afterAll(() => t.stop());

const call = (functionKey: string) =>
  t.host.runtime.invokeResolver({
    moduleKey: 'projectrak-admin',
    functionKey,
    payload: {},
    accountId: t.accountId('viewer'),
    extensionContext: { type: 'jira:adminPage' },
  });

describe('resolver functionKey', () => {
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'noSuchResolver'])(
    '%s is refused as an unknown name, and answers nothing',
    async (name) => {
      await expect(call(name)).rejects.toThrow(`Resolver has no definition for '${name}'.`);
    },
  );

  it("the app's own names still answer", async () => {
    const session = (await call('getSession')) as { ok: boolean };
    expect(session.ok).toBe(true);
  });
});
