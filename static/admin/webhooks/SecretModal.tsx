import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import { token } from '@atlaskit/tokens';
import { useEffect, useRef, useState } from 'react';
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
  const question = useRef<HTMLDivElement>(null);
  // Escape or a click beside the dialog asks first: the secret is never shown again.
  const [asking, setAsking] = useState(false);
  const rotated = previousSecretUntil !== undefined;
  const requestClose = () => (copied === 'yes' ? onClose() : setAsking(true));

  useEffect(() => {
    if (asking) question.current?.focus();
  }, [asking]);

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
      <Modal onClose={requestClose} width="medium" testId="webhook-secret" label={`Signing secret of ${webhookName}`}>
        <ModalHeader>
          <ModalTitle>{rotated ? `New signing secret of ${webhookName}` : `Signing secret of ${webhookName}`}</ModalTitle>
        </ModalHeader>
        <ModalBody>
          <Stack gap="space.200">
            <SectionMessage appearance="warning" title="Copy the secret now: you will not see it again">
              <p>
                Give it to the system that receives the requests. With it, that system checks the <code>webhook-signature</code> header of every request (Standard Webhooks: the
                official <code>standardwebhooks</code> libraries do it in one call) and so knows the request came from Projectrak. If the secret is lost, rotate it.
              </p>
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
            {asking ? (
              <div ref={question} tabIndex={-1} style={{ outline: 'none' }} data-testid="webhook-secret-close-question">
                <SectionMessage appearance="error" title="Close without copying the secret?">
                  <p>It cannot be shown again. A receiver without it cannot verify requests until you rotate the secret and give it the new one.</p>
                  <div style={{ display: 'flex', gap: token('space.100'), flexWrap: 'wrap', marginTop: token('space.100') }}>
                    <Button
                      onClick={() => {
                        setAsking(false);
                        field.current?.focus();
                      }}
                    >
                      Keep it open
                    </Button>
                    <Button appearance="danger" onClick={onClose} testId="webhook-secret-close-anyway">
                      Close without copying
                    </Button>
                  </div>
                </SectionMessage>
              </div>
            ) : null}
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
