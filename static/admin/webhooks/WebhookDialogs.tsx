import type { WebhookDto } from '../../../src/shared/webhooks-contract';
import { call, type CallError } from '../../common/api';
import { flag } from '../../common/flags';
import { exactTime } from '../../common/relative-time';
import { ConfirmModal } from '../common/ConfirmModal';
import { disabledReasonText, resendSentence } from './delivery-text';
import { SecretModal } from './SecretModal';
import { WebhookFormModal } from './WebhookFormModal';

export type WebhookDialog =
  | { readonly kind: 'create' }
  | { readonly kind: 'edit'; readonly webhook: WebhookDto }
  | { readonly kind: 'delete'; readonly webhook: WebhookDto }
  | { readonly kind: 'rotate'; readonly webhook: WebhookDto }
  | { readonly kind: 'enable'; readonly webhook: WebhookDto }
  | { readonly kind: 'secret'; readonly name: string; readonly secret: string; readonly previousSecretUntil?: number | null }
  | null;

const FIVE_DAYS_MS = 5 * 24 * 60 * 60_000;

/**
 * Re-enabling after the app disabled a webhook offers to resend what failed meanwhile: from five
 * days before it was disabled (the no-success window of the automatic rule, and enough to hold
 * the delivery a 410 answered).
 */
export function resendSinceOnEnable(webhook: WebhookDto, now: number): number {
  return (webhook.disabledAt ?? now) - FIVE_DAYS_MS;
}

export interface WebhookDialogsProps {
  readonly dialog: WebhookDialog;
  readonly webhooks: readonly WebhookDto[];
  readonly onOpen: (dialog: WebhookDialog) => void;
  /** After a change: reload what the page shows. */
  readonly onChanged: (change: { readonly deleted?: string; readonly created?: string }) => void;
}

/** Every dialog of the webhooks pages, one at a time: create, edit, delete, rotate, re-enable, and the secret shown once. */
export function WebhookDialogs({ dialog, webhooks, onOpen, onChanged }: WebhookDialogsProps) {
  if (dialog === null) return null;
  const close = () => onOpen(null);
  const others = (id?: string) => webhooks.filter((w) => w.id !== id).map((w) => w.name);

  switch (dialog.kind) {
    case 'create':
      return (
        <WebhookFormModal
          otherNames={others()}
          onClose={close}
          onSaved={(webhook, secret) => {
            onChanged({ created: webhook.id });
            onOpen(secret ? { kind: 'secret', name: webhook.name, secret } : null);
          }}
        />
      );
    case 'edit':
      return (
        <WebhookFormModal
          webhook={dialog.webhook}
          otherNames={others(dialog.webhook.id)}
          onClose={close}
          onSaved={() => {
            onChanged({});
            close();
          }}
        />
      );
    case 'delete': {
      const { webhook } = dialog;
      return (
        <ConfirmModal
          title={`Delete ${webhook.name}?`}
          confirmLabel="Delete webhook"
          appearance="danger"
          testId="delete-webhook"
          onClose={close}
          onConfirm={async () => {
            const result = await call('deleteWebhook', { id: webhook.id });
            if (!result.ok) return result.error;
            flag('success', `Deleted ${webhook.name}`);
            onChanged({ deleted: webhook.id });
            return null;
          }}
        >
          <p style={{ marginTop: 0 }}>
            Changes are no longer sent to <code>{webhook.url}</code>. Deliveries still waiting are cancelled, and its delivery log is deleted with it. This cannot be undone.
          </p>
        </ConfirmModal>
      );
    }
    case 'rotate': {
      const { webhook } = dialog;
      return (
        <ConfirmModal
          title={`Rotate the secret of ${webhook.name}?`}
          confirmLabel="Rotate secret"
          appearance="warning"
          testId="rotate-secret"
          closeOnSuccess={false}
          onClose={close}
          onConfirm={async () => {
            const result = await call('rotateWebhookSecret', { id: webhook.id });
            if (!result.ok) return result.error;
            onChanged({});
            onOpen({ kind: 'secret', name: webhook.name, secret: result.value.secret, previousSecretUntil: result.value.webhook.previousSecretUntil });
            return null;
          }}
        >
          <p style={{ marginTop: 0 }}>A new secret signs every request from now on and is shown once. The previous secret keeps signing too for 24 hours, so the receiver can switch to the new one without missing a request.</p>
        </ConfirmModal>
      );
    }
    case 'enable': {
      const { webhook } = dialog;
      const since = resendSinceOnEnable(webhook, Date.now());
      const enable = async (resend: boolean): Promise<CallError | null> => {
        const result = await call('updateWebhook', { id: webhook.id, active: true });
        if (!result.ok) return result.error;
        if (!resend) {
          flag('success', `Enabled ${webhook.name}`, 'Deliveries that were waiting go out now.');
          onChanged({});
          return null;
        }
        const resent = await call('resendFailed', { webhookId: webhook.id, since });
        onChanged({});
        if (!resent.ok) {
          flag('warning', `Enabled ${webhook.name}, but the failed deliveries were not resent`, resent.error.message);
          return null;
        }
        flag('success', `Enabled ${webhook.name}`, resendSentence(resent.value.queued, resent.value.more));
        return null;
      };
      return (
        <ConfirmModal
          title={`Enable ${webhook.name}?`}
          confirmLabel={`Enable and resend failed since ${exactTime(since)}`}
          testId="enable-webhook"
          onClose={close}
          onConfirm={() => enable(true)}
          secondary={{ label: 'Only enable', run: () => enable(false) }}
        >
          <p style={{ marginTop: 0 }}>Projectrak disabled it: {webhook.disabledReason ? disabledReasonText(webhook.disabledReason) : 'no reason was recorded.'}</p>
          <p>Deliveries that were waiting go out once it is enabled. Deliveries that failed can be sent again too, from five days before it was disabled.</p>
        </ConfirmModal>
      );
    }
    case 'secret':
      return <SecretModal webhookName={dialog.name} secret={dialog.secret} {...(dialog.previousSecretUntil !== undefined ? { previousSecretUntil: dialog.previousSecretUntil } : {})} onClose={close} />;
  }
}
