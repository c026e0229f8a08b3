import { seedDefaultCatalog } from '../app/field-catalog';
import { createKvsFieldCatalogStore } from '../forge/kvs-field-catalog-store';

/** avi:forge:installed:app — seeds the default field catalog once per installation. */
export async function appInstalledTrigger(): Promise<void> {
  const { seeded } = await seedDefaultCatalog(createKvsFieldCatalogStore());
  console.info(seeded ? 'install: default field catalog seeded' : 'install: field catalog already present, left as it is');
}
