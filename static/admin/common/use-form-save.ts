import { useState, type FormEvent } from 'react';
import type { CallError, CallResult } from '../../common/api';
import { flag } from '../../common/flags';

export interface FormSaveOptions<T> {
  /** The form's own checks pass; only then is the save sent. */
  readonly isValid: () => boolean;
  readonly save: () => Promise<CallResult<T>>;
  /** Title of the error flag (when the call itself failed), e.g. "The field was not created". */
  readonly failedTitle: string;
  readonly onSaved: (value: T) => void;
}

export interface FormSave {
  /** True once Save was pressed: the form shows its own checks from then on. */
  readonly showErrors: boolean;
  readonly saving: boolean;
  /** The refusal of the last save, shown in the form until the next change or save. */
  readonly serverError: CallError | null;
  readonly clearServerError: () => void;
  readonly submit: (event?: FormEvent) => Promise<void>;
  /** Counts Saves that did not save (the form's checks or the server refused): the form then moves the focus to what is wrong. */
  readonly failures: number;
}

/**
 * The Save of a create/edit form: one save at a time, nothing sent while the form's own checks
 * fail, a refusal kept for the form to show (and flagged too when the call itself failed).
 */
export function useFormSave<T>({ isValid, save, failedTitle, onSaved }: FormSaveOptions<T>): FormSave {
  const [showErrors, setShowErrors] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<CallError | null>(null);
  const [failures, setFailures] = useState(0);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (saving) return;
    setShowErrors(true);
    if (!isValid()) {
      setFailures((n) => n + 1);
      return;
    }
    setSaving(true);
    setServerError(null);
    const result = await save();
    setSaving(false);
    if (!result.ok) {
      setServerError(result.error);
      setFailures((n) => n + 1);
      if (result.error.code === 'CALL_FAILED') flag('error', failedTitle, result.error.message);
      return;
    }
    onSaved(result.value);
  };

  return { showErrors, saving, serverError, clearServerError: () => setServerError(null), submit, failures };
}
