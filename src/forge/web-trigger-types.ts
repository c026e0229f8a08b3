export type { WebTriggerRequest, WebTriggerResponse } from '@forge/api';
