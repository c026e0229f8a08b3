import { describe, expect, it } from '@jest/globals';
import type { WebhookDto } from '../../../src/shared/webhooks-contract';
import { emptyWebhookForm, formFromWebhook, serverFieldErrors, toCreateInput, toUpdateInput, validateWebhookForm } from './webhook-form';

const webhook: WebhookDto = {
  id: 'wh1',
  name: 'Finance',
  url: 'https://hooks.example.com/finance',
  active: true,
  projectKeys: ['DEMO'],
  fieldIds: null,
  maxInFlight: 5,
  createdAt: 0,
  updatedAt: 0,
  disabledReason: null,
  disabledAt: null,
  previousSecretUntil: null,
  status: { lastRunAt: null, lastResult: null, lastStatusCode: null, lastError: null, lastSuccessAt: null },
  health: { attempts24h: 0, failures24h: 0, pending: 0 },
};

describe('validateWebhookForm', () => {
  it.each([
    [{ name: '', url: 'https://a.example.com' }, { name: 'Give the webhook a name, such as "Finance system".' }],
    [{ name: 'x'.repeat(121), url: 'https://a.example.com' }, { name: 'Names have at most 120 characters (this one has 121).' }],
    [{ name: 'ERP\u0000', url: 'https://a.example.com' }, { name: 'Names must not contain control characters (NUL, escape and the like).' }],
    [{ name: ' finance ', url: 'https://a.example.com' }, { name: 'A webhook named "Finance" exists already. Choose another name.' }],
    [{ name: 'New', url: '' }, { url: 'Enter the https:// URL that should receive the requests.' }],
    [{ name: 'New', url: 'http://a.example.com' }, { url: 'Only secure URLs are supported: the URL must start with https://.' }],
    [{ name: 'New', url: 'HTTPS://a.example.com' }, {}],
    [{ name: 'New', url: 'https://a.example.com', maxInFlight: '0' }, { maxInFlight: 'Enter a whole number from 1 to 20.' }],
    [{ name: 'New', url: 'https://a.example.com', maxInFlight: '21' }, { maxInFlight: 'Enter a whole number from 1 to 20.' }],
    [{ name: 'New', url: 'https://a.example.com', maxInFlight: '2.5' }, { maxInFlight: 'Enter a whole number from 1 to 20.' }],
    [{ name: 'New', url: 'https://a.example.com', maxInFlight: ' 20 ' }, {}],
  ])('%p gives %p', (typed, expected) => {
    expect(validateWebhookForm({ ...emptyWebhookForm(), ...typed }, ['Finance'])).toEqual(expected);
  });
});

describe('resolver inputs', () => {
  it('creates with trimmed text and null for "every project / field"', () => {
    expect(toCreateInput({ name: ' CRM ', url: ' https://crm.example.com/h ', projectKeys: [], fieldIds: [3], maxInFlight: '5' })).toEqual({
      name: 'CRM',
      url: 'https://crm.example.com/h',
      projectKeys: null,
      fieldIds: [3],
      maxInFlight: 5,
    });
  });

  it('updates only what changed', () => {
    const form = formFromWebhook(webhook);
    expect(toUpdateInput(webhook, form)).toEqual({ id: 'wh1' });
    expect(toUpdateInput(webhook, { ...form, projectKeys: [], fieldIds: [7] })).toEqual({ id: 'wh1', projectKeys: null, fieldIds: [7] });
    expect(toUpdateInput(webhook, { ...form, name: 'Finance 2' })).toEqual({ id: 'wh1', name: 'Finance 2' });
    expect(toUpdateInput(webhook, { ...form, maxInFlight: '12' })).toEqual({ id: 'wh1', maxInFlight: 12 });
  });

  it('puts the server field errors on the form fields', () => {
    expect(serverFieldErrors({ url: 'bad rule', fieldIds: 'Unknown: 9', other: 'x' })).toEqual({ url: 'bad rule', fieldIds: 'Unknown: 9' });
    expect(serverFieldErrors(undefined)).toEqual({});
  });
});
