import { seedDemoData } from '../../local/demo-data';
import { DEMO_USERS } from '../../local/platform/jira-site';
import { startTestHost, type TestHost } from '../support/host-fixture';

/** The offline host's demo data, made through the app's entry points, shows every kind of field. */
let t: TestHost;

beforeAll(async () => {
  t = await startTestHost({ seedCatalog: false });
  await seedDemoData(t.host, DEMO_USERS.admin.accountId);
});
afterAll(async () => {
  await t.stop();
});

describe('demo data', () => {
  it('has one field of each new kind (formula, related projects, Updated, Created date, Creator), with values on DEMO', async () => {
    const view = await t.invokeOk('viewer', 'getProjectFields', { projectKey: 'DEMO' });
    const byType = (type: string) => view.fields.filter((f) => f.type === type);
    for (const type of ['formula', 'multiproject', 'updated', 'created', 'creator']) expect(byType(type)).toHaveLength(1);
    const valueOf = (type: string) => view.values[String(byType(type)[0]?.id)];
    // Budget is 23.000 after the demo's second save; the formula adds 15 %.
    expect(valueOf('formula')).toBe('26.450');
    expect(valueOf('multiproject')).toEqual(['OPS']);
    expect(valueOf('updated')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(valueOf('created')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(valueOf('creator')).toBe(DEMO_USERS.admin.accountId);
  });
});

describe('demo data: a field only some people see', () => {
  it('Cost centre is edited by the project admin, read by Tom (a Developer of DEMO), and not there for Vera', async () => {
    const paul = await t.invokeOk('projectAdmin', 'getProjectFields', { projectKey: 'DEMO' });
    const costCentre = paul.fields.find((f) => f.name === 'Cost centre');
    expect(costCentre).toBeDefined();
    expect(paul.values[String(costCentre?.id)]).toBe('CC-4100');
    expect(paul.editableFieldIds).toContain(costCentre?.id);
    const tom = await t.invokeOk('teammate', 'getProjectFields', { projectKey: 'DEMO' });
    expect(tom.values[String(costCentre?.id)]).toBe('CC-4100');
    expect(tom.editableFieldIds ?? []).not.toContain(costCentre?.id);
    const vera = await t.invokeOk('viewer', 'getProjectFields', { projectKey: 'DEMO' });
    expect(vera.fields.some((f) => f.name === 'Cost centre')).toBe(false);
    expect(JSON.stringify(vera)).not.toContain('CC-4100');
  });
});
