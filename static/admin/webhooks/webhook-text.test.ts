import { describe, expect, it } from '@jest/globals';
import { sendsText, urlBreakParts } from './webhook-text';

describe('sendsText', () => {
  const names = new Map([
    [1, 'Budget'],
    [2, 'Status'],
  ]);
  it('names the projects and fields a webhook is limited to', () => {
    expect(sendsText({ projectKeys: ['DEMO', 'OPS'], fieldIds: [1, 2] }, names)).toBe('DEMO, OPS · Budget, Status');
    expect(sendsText({ projectKeys: null, fieldIds: null }, names)).toBe('Every project · every field');
    expect(sendsText({ projectKeys: ['HR'], fieldIds: [9] }, names)).toBe('HR · field 9');
  });
});

describe('urlBreakParts', () => {
  it('splits after the scheme and each slash, before the query, keeping host and port whole', () => {
    expect(urlBreakParts('https://127.0.0.1:4343/hooks/browser?a=1&b=2')).toEqual(['https://', '127.0.0.1:4343/', 'hooks/', 'browser', '?a=1', '&b=2']);
    expect(urlBreakParts('https://hooks.example.com')).toEqual(['https://', 'hooks.example.com']);
    expect(urlBreakParts('https://x.example/a//b').join('')).toBe('https://x.example/a//b');
  });
});
