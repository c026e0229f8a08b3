import EmptyState from '@atlaskit/empty-state';
import PageHeader from '@atlaskit/page-header';
import { Subtle } from '../common/layout';

/** An honest page for a feature that is not built yet: no sample data, no buttons that do nothing. */
export function LaterVersionPage({ title, header, description }: { readonly title: string; readonly header: string; readonly description: string }) {
  return (
    <section aria-label={title} data-testid="later-version">
      <PageHeader breadcrumbs={<Subtle>Projectrak Administration</Subtle>}>{title}</PageHeader>
      <EmptyState header={header} description={description} headingLevel={2} width="wide" />
    </section>
  );
}
