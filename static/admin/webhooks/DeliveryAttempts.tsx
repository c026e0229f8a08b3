import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import { token } from '@atlaskit/tokens';
import type { ReactNode } from 'react';
import type { AttemptDto, DeliverySummaryDto } from '../../../src/shared/webhooks-contract';
import { Loading, Stack, Subtle } from '../../common/layout';
import { durationText, exactTime } from '../../common/relative-time';
import { useResolverQuery } from '../../common/use-resolver-query';
import { attemptOutcome, failureText, statusText } from './delivery-text';
import { RawDetail, When } from './WebhookStatus';

/**
 * One delivery opened: the request body and every attempt with what was sent and answered.
 * Loaded again when the summary shows a new attempt (the log is polled).
 */
export function DeliveryAttempts({ summary, url }: { readonly summary: DeliverySummaryDto; readonly url: string }) {
  const { state: detail } = useResolverQuery('getDelivery', { deliveryId: summary.id }, { refreshKey: `${summary.attempts}:${summary.status}` });

  if (detail.status === 'loading') return <Loading label="Loading the attempts…" />;
  if (detail.status === 'failed') {
    return (
      <SectionMessage appearance="error" title="The delivery could not be loaded">
        <p>{detail.error.message}</p>
      </SectionMessage>
    );
  }
  const delivery = detail.value;
  const latest = Math.max(0, ...delivery.attemptLog.map((a) => a.attempt));
  return (
    <Stack gap="space.200" style={{ padding: `${token('space.150')} 0` }}>
      <div>
        <Heading>Request body</Heading>
        <Code testId="delivery-body">{prettyJson(delivery.body)}</Code>
      </div>
      {delivery.cancelledAt !== null ? (
        <p data-testid="delivery-cancelled" style={{ margin: 0 }}>
          Cancelled by <CancelledBy accountId={delivery.cancelledBy} /> on {exactTime(delivery.cancelledAt)}.
        </p>
      ) : null}
      {!delivery.ordered && delivery.event === 'updated' ? <Subtle>Sent again at an admin&apos;s request, outside its project&apos;s order.</Subtle> : null}
      {delivery.attemptLog.length === 0 ? <Subtle>No attempt yet{delivery.nextAttemptAt !== null ? <>; the first is due <When at={delivery.nextAttemptAt} future /></> : null}.</Subtle> : null}
      {[...delivery.attemptLog].reverse().map((attempt) => (
        <AttemptView key={attempt.attempt} attempt={attempt} url={url} latestOfPending={delivery.status === 'pending' && attempt.attempt === latest} />
      ))}
    </Stack>
  );
}

/** Who cancelled a delivery, by name when Jira tells it (null: the app, when its webhook was deleted). */
function CancelledBy({ accountId }: { readonly accountId: string | null }) {
  const { state } = useResolverQuery('getUsers', { accountIds: accountId ? [accountId] : [] }, { enabled: accountId !== null });
  if (accountId === null) return <>the app (its webhook was deleted)</>;
  const name = state.status === 'ready' ? state.value.users.find((u) => u.accountId === accountId)?.displayName : undefined;
  return <>{name ?? accountId}</>;
}

function AttemptView({ attempt, url, latestOfPending }: { readonly attempt: AttemptDto; readonly url: string; /** Only this attempt says when the next one comes. */ readonly latestOfPending: boolean }) {
  const outcome = attemptOutcome(attempt, latestOfPending);
  const failure = attempt.outcome === 'delivered' ? null : failureText({ url, statusCode: attempt.responseStatus, error: attempt.error });
  return (
    <div data-testid={`attempt-${attempt.attempt}`} style={{ borderTop: `${token('border.width')} solid ${token('color.border')}`, paddingTop: token('space.150') }}>
      <div style={{ display: 'flex', gap: token('space.100'), alignItems: 'center', flexWrap: 'wrap', marginBottom: token('space.100') }}>
        <strong>Attempt {attempt.attempt}</strong>
        <Lozenge appearance={outcome.appearance}>{outcome.label}</Lozenge>
        <Subtle>
          {exactTime(attempt.startedAt)} · {durationText(attempt.durationMs)} · {attempt.responseStatus !== null ? `HTTP ${statusText(attempt.responseStatus)}` : 'no response'}
        </Subtle>
        {latestOfPending && attempt.nextAttemptAt !== null ? (
          <Subtle>
            Next attempt <When at={attempt.nextAttemptAt} future /> ({exactTime(attempt.nextAttemptAt)})
          </Subtle>
        ) : null}
      </div>
      {failure ? (
        <div style={{ margin: `0 0 ${token('space.100')}` }}>
          <span style={{ color: token('color.text.danger') }} data-testid="attempt-error">
            {failure}
          </span>
          {attempt.error ? <RawDetail raw={attempt.error} testId={`attempt-${attempt.attempt}-detail`} /> : null}
        </div>
      ) : null}
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(min(320px, 100%), 1fr))', gap: token('space.200') }}>
        <div>
          <Heading>Request headers</Heading>
          <Code>{headerLines(attempt.requestHeaders)}</Code>
        </div>
        <div>
          <Heading>Response headers</Heading>
          <Code>{headerLines(attempt.responseHeaders) || '—'}</Code>
        </div>
      </div>
      <div style={{ marginTop: token('space.100') }}>
        <Heading>Response body (first 4 KB)</Heading>
        <Code testId="attempt-response-body">{attempt.responseBodyExcerpt === '' ? '(empty)' : prettyJson(attempt.responseBodyExcerpt)}</Code>
      </div>
    </div>
  );
}

function Heading({ children }: { readonly children: ReactNode }) {
  return <div style={{ font: token('font.heading.xxsmall'), color: token('color.text.subtle'), marginBottom: token('space.050') }}>{children}</div>;
}

function Code({ children, testId }: { readonly children: ReactNode; readonly testId?: string }) {
  return (
    <pre
      data-testid={testId}
      style={{
        margin: 0,
        padding: token('space.100'),
        font: token('font.code'),
        background: token('color.background.neutral'),
        borderRadius: token('radius.small'),
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-all',
        maxHeight: 320,
        overflow: 'auto',
      }}
    >
      {children}
    </pre>
  );
}

function headerLines(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

/** JSON indented for reading; anything else (a cut excerpt, HTML) as it came. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
