import { systemClock } from '../app/clock';
import { seedDefaultCatalog } from '../app/field-catalog';
import { createKvsFieldCatalogStore } from '../forge/kvs-field-catalog-store';

/** avi:forge:installed:app — seeds the default field catalog once per installation. */
export async function appInstalledTrigger(event?: { installerAccountId?: unknown }): Promise<void> {
  // Kept for the automatic fields Created date and Creator (Jira does not say who created a project, or when).
  const installer = typeof event?.installerAccountId === 'string' && event.installerAccountId !== '' ? event.installerAccountId : undefined;
  const { seeded } = await seedDefaultCatalog(createKvsFieldCatalogStore(), { at: systemClock.now(), ...(installer ? { by: installer } : {}) });
  console.info(seeded ? 'install: default field catalog seeded' : 'install: field catalog already present, left as it is');
}
