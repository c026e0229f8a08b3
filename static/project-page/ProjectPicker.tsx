import { AsyncSelect } from '@atlaskit/select';
import { useCallback } from 'react';
import { call } from '../common/api';

export interface ProjectOption {
  readonly value: string;
  readonly label: string;
}

export interface ProjectPickerProps {
  readonly inputId: string;
  readonly isMulti: boolean;
  readonly keys: readonly string[];
  readonly onChange: (keys: string[]) => void;
  readonly isInvalid: boolean;
  readonly isDisabled: boolean;
  readonly describedBy: string;
}

/**
 * Chooses related projects among those the user can browse (`searchBrowsableProjects` asks Jira
 * as the user); the save checks again. Chosen projects show by key.
 */
export function ProjectPicker({ inputId, isMulti, keys, onChange, isInvalid, isDisabled, describedBy }: ProjectPickerProps) {
  const loadOptions = useCallback(async (query: string): Promise<ProjectOption[]> => {
    const result = await call('searchBrowsableProjects', { query: query.trim() });
    if (!result.ok) return [];
    return result.value.projects.map((p) => ({ value: p.key, label: `${p.key} · ${p.name}` }));
  }, []);

  const selected = keys.map((key) => ({ value: key, label: key }));
  const common = {
    inputId,
    loadOptions,
    cacheOptions: true,
    // Sites have few enough projects a user can browse that the first 50 are worth offering at once.
    defaultOptions: true,
    isClearable: true,
    isInvalid,
    isDisabled,
    'aria-describedby': describedBy,
    placeholder: isMulti ? 'Choose projects' : 'Choose a project',
    noOptionsMessage: ({ inputValue }: { inputValue: string }) => (inputValue.trim() === '' ? 'No projects you can browse' : `No project you can browse matches "${inputValue.trim()}"`),
    loadingMessage: () => 'Searching…',
  };

  return isMulti ? (
    <AsyncSelect<ProjectOption, true> {...common} isMulti value={selected} onChange={(options) => onChange(options.map((o) => o.value))} />
  ) : (
    <AsyncSelect<ProjectOption, false> {...common} value={selected[0] ?? null} onChange={(option) => onChange(option ? [option.value] : [])} />
  );
}
