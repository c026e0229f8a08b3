import { describe, expect, it } from '@jest/globals';
import { apiTokenNameError, curlExample, formatWhen } from './api-token-text';

describe('API tokens page texts', () => {
  it('the curl line calls the site URL with a Bearer header', () => {
    expect(curlExample('https://x.example/x1/abc')).toBe('curl -H "Authorization: Bearer <API token>" https://x.example/x1/abc/webhooks');
    expect(curlExample('https://x.example/x1/abc', 'prw_1')).toContain('Bearer prw_1');
  });
  it('a token never used says so', () => {
    expect(formatWhen(null)).toBe('Never');
    expect(formatWhen(0)).not.toBe('Never');
  });
  it('a name is required and at most 120 characters', () => {
    expect(apiTokenNameError('  ')).toBe('Give the token a name that says which script uses it.');
    expect(apiTokenNameError('x'.repeat(121))).toBe('Names have at most 120 characters (this one has 121).');
    expect(apiTokenNameError(' Nightly sync ')).toBeNull();
  });
});
