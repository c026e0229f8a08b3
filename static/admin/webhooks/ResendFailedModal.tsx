import { DateTimePicker } from '@atlaskit/datetime-picker';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import { useState } from 'react';
import type { CallError } from '../../common/api';
import { menuAboveModal } from '../../common/portal';
import { ConfirmModal } from '../common/ConfirmModal';
import { parsePickedTime } from './delivery-log';

const DAY_MS = 24 * 60 * 60_000;

/** "Resend failed since": every failed delivery created since the chosen time is sent again. */
export function ResendFailedModal({ webhookName, onResend, onClose }: { readonly webhookName: string; readonly onResend: (since: number) => Promise<CallError | null>; readonly onClose: () => void }) {
  const [value, setValue] = useState(() => new Date(Date.now() - DAY_MS).toISOString());
  const [invalid, setInvalid] = useState(false);
  const since = parsePickedTime(value);

  return (
    <ConfirmModal
      title={`Resend failed deliveries of ${webhookName}`}
      confirmLabel="Resend failed"
      testId="resend-failed"
      onClose={onClose}
      onConfirm={async () => {
        if (since === null) {
          setInvalid(true);
          return { code: 'INVALID_INPUT', message: 'Choose a date and a time to resend from.' };
        }
        return onResend(since);
      }}
    >
      <Label htmlFor="resend-since">Failed since</Label>
      <DateTimePicker
        id="resend-since"
        value={value}
        onChange={(next) => {
          setValue(next);
          setInvalid(false);
        }}
        isInvalid={invalid}
        // The calendar opens from its button, not on focus: the dialog focuses the date first, and
        // a calendar opened by that would cover Cancel and Resend.
        datePickerProps={{ label: 'Failed since, date', selectProps: menuAboveModal, shouldShowCalendarButton: true, openCalendarLabel: 'Choose the date in a calendar' }}
        timePickerProps={{ label: 'Failed since, time', selectProps: menuAboveModal }}
        testId="resend-since"
      />
      {invalid ? <ErrorMessage>Choose a date and a time.</ErrorMessage> : <HelperMessage>Deliveries created since then that failed are sent again, in order, with their original webhook-id.</HelperMessage>}
    </ConfirmModal>
  );
}
