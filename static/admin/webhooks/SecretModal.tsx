import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import { token } from '@atlaskit/tokens';
import { useRef, useState } from 'react';
import { Stack } from '../../common/layout';

export interface SecretModalProps {
  readonly webhookName: string;
  readonly secret: string;
  /** Rotation: the previous secret keeps signing until this time. */
  readonly previousSecretUntil?: number | null;
  readonly onClose: () => void;
}

/** The signing secret, shown once (on create and on rotate): Projectrak stores it but never shows it again. */
export function SecretModal({ webhookName, secret, previousSecretUntil, onClose }: SecretModalProps) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const field = useRef<HTMLInputElement>(null);
  const rotated = previousSecretUntil !== undefined;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      // Clipboard access may be refused inside the host's frame: select the text for Ctrl+C instead.
      field.current?.select();
      setCopied('failed');
    }
  };

  return (
    <ModalTransition>
      <Modal onClose={onClose} width="medium" testId="webhook-secret" label={`Signing secret of ${webhookName}`}>
        <ModalHeader>
          <ModalTitle>{rotated ? `New signing secret of ${webhookName}` : `Signing secret of ${webhookName}`}</ModalTitle>
        </ModalHeader>
        <ModalBody>
          <Stack gap="space.200">
            <SectionMessage appearance="warning" title="Copy the secret now: you will not see it again">
              <p>Give it to the system that receives the requests, so it can verify every request came from Projectrak (see &quot;Verify our signatures&quot; in the app&apos;s README). If it is lost, rotate the secret.</p>
            </SectionMessage>
            <div style={{ display: 'flex', gap: token('space.100'), alignItems: 'center' }}>
              <input
                ref={field}
                readOnly
                value={secret}
                aria-label="Signing secret"
                data-testid="webhook-secret-value"
                onFocus={(e) => e.currentTarget.select()}
                style={{
                  flex: 1,
                  font: token('font.code'),
                  padding: token('space.100'),
                  border: `${token('border.width')} solid ${token('color.border.input')}`,
                  borderRadius: token('radius.small'),
                  background: token('color.background.input'),
                  color: token('color.text'),
                }}
              />
              <Button onClick={() => void copy()} testId="webhook-secret-copy">
                {copied === 'yes' ? 'Copied' : 'Copy'}
              </Button>
            </div>
            {copied === 'failed' ? <span style={{ color: token('color.text.subtle') }}>The browser did not allow copying; the secret is selected, press Ctrl+C (⌘C).</span> : null}
            {rotated ? (
              <p style={{ margin: 0 }} data-testid="webhook-secret-overlap">
                The previous secret keeps signing too (a second signature in <code>webhook-signature</code>) for 24 hours
                {previousSecretUntil ? `, until ${new Date(previousSecretUntil).toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}, so receivers can switch without missing a request.
              </p>
            ) : null}
          </Stack>
        </ModalBody>
        <ModalFooter>
          <Button appearance="primary" onClick={onClose} testId="webhook-secret-done">
            I have copied it
          </Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
}
