import { PERMISSION_CHECK_REFUSED_MESSAGE } from '../../src/forge/jira-as-app';
import { expectError, useApiFixture } from './api-fixture';

const api = useApiFixture();

/**
 * The management API judges each token by its creator's permissions *now*, asking Jira as the app
 * with `POST /rest/api/3/permissions/check` naming their account. A site may refuse that call
 * (Jira asks Administer Jira to check other users): then no request can be judged, and the API
 * must say so (503 naming the cause), not answer 403 as if the creator were no longer an admin.
 */
describe('management API on a site that refuses the permission check of another account', () => {
  it('answers 503 with the cause for every request, logs the cause once, and works again once the site allows the check', async () => {
    const { call, t } = api();
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      t.host.jira.setAppChecksOtherUsers(false);
      const answers = [await call('GET', '/webhooks'), await call('GET', '/fields'), await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Status: 'Done' } } })];
      for (const answer of answers) {
        expectError(answer, 503, 'UNAVAILABLE');
        expect(answer.json.error.message).toBe(PERMISSION_CHECK_REFUSED_MESSAGE);
        expect(answer.json.error.message).toMatch(/permissions\/check/);
      }
      // Nothing was saved by the refused PATCH.
      t.host.jira.setAppChecksOtherUsers(true);
      expect((await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' })).revision).toBe(0);
      const causes = logged.mock.calls.map((args) => String(args[0])).filter((line) => line.includes('permissions/check'));
      expect(causes).toHaveLength(1);
      expect(causes[0]).toMatch(/HTTP 403/);
      expect((await call('GET', '/webhooks')).status).toBe(200);
    } finally {
      logged.mockRestore();
    }
  });

  it('a creator who is no longer a Jira admin is still a 403 (the check answered), not the 503', async () => {
    const { call, t } = api();
    t.host.jira.setJiraAdmin(t.accountId('admin'), false);
    expectError(await call('GET', '/webhooks'), 403, 'FORBIDDEN');
  });
});
