import type { DemoReceiver } from './demo-receiver';
import type { ForgeHost } from './host';

/**
 * Demo data of a fresh host, made through the app's real entry points: the install event seeds
 * the field catalog (and one field of each kind it lacks is added: a formula, related projects,
 * the automatic fields, a field only some people see), a webhook to the demo receiver (when one is given), and two saves on DEMO's
 * project page (as the Jira admin) give the project values, change records like the seed's
 * example, and their deliveries.
 */
export async function seedDemoData(host: ForgeHost, adminAccountId: string, receiver?: DemoReceiver): Promise<void> {
  await host.runtime.emitProductEvent('avi:forge:installed:app', { installerAccountId: adminAccountId, context: { cloudId: 'local' } });
  const projectPage = host.manifest.uiModules.find((m) => m.moduleType === 'jira:projectPage');
  if (!projectPage) throw new Error('manifest.yml has no jira:projectPage module');
  const demo = host.jira.projects().find((p) => p.key === 'DEMO');
  if (!demo) throw new Error('the Jira stand-in has no DEMO project');

  const call = (functionKey: string, payload: unknown) =>
    host.runtime.invokeResolver({
      moduleKey: projectPage.key,
      functionKey,
      payload,
      accountId: adminAccountId,
      extensionContext: { type: 'jira:projectPage', project: { id: String(demo.id), key: demo.key, type: 'software' } },
    }) as Promise<{ ok: boolean; value?: { fields: { id: number; name: string }[]; revision: number }; error?: { message: string } }>;

  if (receiver) {
    // A webhook to the demo receiver, made as an admin would; the receiver learns its secret.
    const created = (await call('createWebhook', { name: 'Demo receiver', url: receiver.hookUrl('demo') })) as { ok: boolean; value?: { secret: string }; error?: { message: string } };
    if (!created.ok || !created.value) throw new Error(`demo data: createWebhook failed: ${created.error?.message ?? 'unknown'}`);
    receiver.setSecret('demo', created.value.secret);
  }
  // One field of each kind the default catalog lacks: a formula, related projects, the automatic fields.
  for (const field of [
    { name: 'Budget with reserve', type: 'formula', expression: '{Budget} * 1.15', decimals: 3, description: 'Budget plus a 15 % reserve, calculated.' },
    { name: 'Depends on', type: 'multiproject', description: 'Projects this one waits for.' },
    { name: 'Updated', type: 'updated' },
    { name: 'Created date', type: 'created' },
    { name: 'Creator', type: 'creator' },
    // Field values security: seen by DEMO's administrators and its Developers (Tom), edited by the administrators; Vera does not see it.
    {
      name: 'Cost centre',
      type: 'text',
      description: 'Seen by the project administrators and Developers; edited by the administrators.',
      access: {
        view: { everyone: false, projectAdmins: true, roles: [{ id: 10001, name: 'Developers' }], groups: [], users: [] },
        edit: { everyone: false, projectAdmins: true, roles: [], groups: [], users: [] },
      },
    },
  ]) {
    const created = await call('createField', field);
    if (!created.ok) throw new Error(`demo data: createField ${field.name} failed: ${created.error?.message ?? 'unknown'}`);
  }
  const view = await call('getProjectFields', { projectKey: demo.key });
  if (!view.ok || !view.value) throw new Error(`demo data: getProjectFields failed: ${view.error?.message ?? 'unknown'}`);
  const idOf = (name: string) => {
    const field = view.value?.fields.find((f) => f.name === name);
    if (!field) throw new Error(`demo data: the default catalog has no field ${name}`);
    return String(field.id);
  };
  const saves: Record<string, unknown>[] = [
    { [idOf('Status')]: 'On track', [idOf('Budget')]: 25, [idOf('Start date')]: '2026-01-05', [idOf('Owner')]: adminAccountId, [idOf('Tags')]: ['Strategic'], [idOf('Summary')]: 'Replace the legacy *billing* pipeline.', [idOf('Depends on')]: ['OPS'], [idOf('Cost centre')]: 'CC-4100' },
    { [idOf('Status')]: 'Done', [idOf('Budget')]: 23 },
  ];
  let revision = view.value.revision;
  for (const values of saves) {
    const saved = (await call('saveProjectFields', { projectKey: demo.key, baseRevision: revision, values })) as { ok: boolean; value?: { revision: number }; error?: { message: string } };
    if (!saved.ok || !saved.value) throw new Error(`demo data: saveProjectFields failed: ${saved.error?.message ?? 'unknown'}`);
    revision = saved.value.revision;
  }
}
