import { useCallback, useEffect, useRef, useState } from 'react';
import type { FieldCleanupDto, FieldDefinitionDto } from '../../../src/shared/resolver-contract';
import { call } from '../../common/api';
import { isRunning, visibleCleanups } from './field-cleanups';

/** How often the page asks for progress while a cleanup runs. */
const POLL_MS = 3_000;

/**
 * The cleanups of deleted fields' values, polled while one runs. `noteDeleted` tells it about a
 * delete made on this page, shown at once (the server's list may not have it for a second).
 */
export function useFieldCleanups(): { readonly cleanups: FieldCleanupDto[]; readonly noteDeleted: (field: FieldDefinitionDto, projectsWithValues: number) => void } {
  const [fromServer, setFromServer] = useState<readonly FieldCleanupDto[]>([]);
  const [deletedHere, setDeletedHere] = useState<readonly FieldCleanupDto[]>([]);
  const seenRunning = useRef(new Set<number>());

  const refresh = useCallback(async () => {
    const result = await call('listFieldCleanups');
    // Progress is a courtesy: a failed poll keeps what is shown and the next one tries again.
    if (!result.ok) return;
    for (const c of result.value.cleanups) if (c.finishedAt === null) seenRunning.current.add(c.fieldId);
    setFromServer(result.value.cleanups);
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const cleanups = visibleCleanups(fromServer, deletedHere, seenRunning.current);
  const running = isRunning(cleanups);
  useEffect(() => {
    if (!running) return undefined;
    const timer = setTimeout(() => void refresh(), POLL_MS);
    return () => clearTimeout(timer);
  }, [running, refresh, fromServer]);

  const noteDeleted = useCallback(
    (field: FieldDefinitionDto, projectsWithValues: number) => {
      seenRunning.current.add(field.id);
      setDeletedHere((notes) => [
        ...notes.filter((n) => n.fieldId !== field.id),
        { fieldId: field.id, fieldName: field.name, projectsWithValues, projectsCleaned: 0, startedAt: Date.now(), finishedAt: null },
      ]);
      void refresh();
    },
    [refresh],
  );

  return { cleanups, noteDeleted };
}
