import { API_TOKEN_PREFIX, formatApiToken, hashApiToken, parseBearerToken, sameTokenHash } from './api-token';

describe('API tokens', () => {
  it('formats 32 random bytes as prw_ + base64url', () => {
    const token = formatApiToken(new Uint8Array(32).fill(255));
    expect(token).toBe(`${API_TOKEN_PREFIX}${'_'.repeat(42)}8`);
  });

  it('rejects a wrong number of random bytes', () => {
    expect(() => formatApiToken(new Uint8Array(31))).toThrow(/32 random bytes, got 31/);
  });

  it('hashes with SHA-256 (known answer)', () => {
    expect(hashApiToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it.each([
    [hashApiToken('a'), hashApiToken('a'), true],
    [hashApiToken('a'), hashApiToken('b'), false],
    ['', '', false],
    [hashApiToken('a'), 'abcd', false],
  ])('sameTokenHash(%s, %s) is %s', (a, b, expected) => {
    expect(sameTokenHash(a, b)).toBe(expected);
  });

  it.each([
    [undefined, /Missing Authorization header/],
    ['Basic abc', /must be "Bearer <API token>"/],
    ['Bearer short', /not valid/],
  ])('parseBearerToken(%s) explains the problem', (header, reason) => {
    const parsed = parseBearerToken(header);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('parseBearerToken accepts a bearer token in any case of the scheme', () => {
    expect(parseBearerToken('bearer prw_0123456789abcdefghij')).toEqual({ ok: true, token: 'prw_0123456789abcdefghij' });
  });
});
