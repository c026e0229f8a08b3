import { useEffect, useState } from 'react';
import type { FieldDefinitionDto } from '../../../src/shared/resolver-contract';
import { call } from '../../common/api';
import { fieldsThatSend } from '../../common/field-types';

export interface FilterOptions {
  readonly loading: boolean;
  readonly projects: readonly { readonly id: number; readonly key: string; readonly name: string }[];
  readonly fields: readonly FieldDefinitionDto[];
  /** Why a list could not load; the filters then keep what the webhook has. */
  readonly problem: string | null;
}

/** The projects (from Jira) and project fields (the catalog, those whose changes are sent) a webhook can be limited to. */
export function useFilterOptions(): FilterOptions {
  const [options, setOptions] = useState<FilterOptions>({ loading: true, projects: [], fields: [], problem: null });

  useEffect(() => {
    let current = true;
    void Promise.all([call('listProjects', {}), call('listFieldDefinitions')]).then(([projects, fields]) => {
      if (!current) return;
      const failed = !projects.ok ? projects.error : !fields.ok ? fields.error : null;
      setOptions({
        loading: false,
        projects: projects.ok ? projects.value.projects : [],
        // Formulas and automatic fields never cause a request: a filter on them would send nothing.
        fields: fields.ok ? fieldsThatSend(fields.value.fields) : [],
        problem: failed ? failed.message : null,
      });
    });
    return () => {
      current = false;
    };
  }, []);

  return options;
}
