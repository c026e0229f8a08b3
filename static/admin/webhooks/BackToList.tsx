import Button from '@atlaskit/button/new';

/** The breadcrumb of a webhook's page: back to the list of outgoing webhooks. */
export function BackToList({ onBack }: { readonly onBack: () => void }) {
  return (
    <Button appearance="subtle" spacing="compact" onClick={onBack} testId="webhook-back">
      ← Outgoing webhooks
    </Button>
  );
}
