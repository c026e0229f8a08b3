import { checkWebhookUrl, describeUrlRules, MAX_WEBHOOK_URL_LENGTH, URL_POLICY_RULES, type UrlPolicyRule } from './url-policy';

/**
 * Each row: the input, then `'ok'` or the rule that must fail, then a detail:
 * - accepted rows: the exact normalised href that must be reported;
 * - rejected rows: text the message must contain (the offending host or value, as the
 *   checks saw it after WHATWG normalisation).
 */
type Row = readonly [input: string, expected: 'ok' | UrlPolicyRule, detail: string];

const padTo = (length: number): string => {
  const base = 'https://example.com/';
  return base + 'a'.repeat(length - base.length);
};

const cases: readonly Row[] = [
  // --- IPv6 literals
  ['https://[::1]/', 'loopback-address', '[::1]'],
  ['https://[0:0:0:0:0:0:0:1]/', 'loopback-address', '[::1]'],
  ['https://[fe80::1]/', 'link-local-address', '[fe80::1]'],
  ['https://[fc00::1]/', 'private-address', '[fc00::1]'],
  ['https://[fd12:3456::1]/', 'private-address', '[fd12:3456::1]'],
  ['https://[fec0::1]/', 'private-address', '[fec0::1]'],
  ['https://[::]/', 'unspecified-address', '[::]'],
  ['https://[ff02::1]/', 'multicast-address', '[ff02::1]'],
  ['https://[ff0e::1]/', 'multicast-address', '[ff0e::1]'],
  ['https://[fd00:ec2::254]/', 'metadata-address', '[fd00:ec2::254]'],
  ['https://[2001:db8::1]/', 'reserved-address', '[2001:db8::1]'],
  ['https://[4000::1]/', 'reserved-address', '[4000::1]'],
  ['https://[2001:4860:4860::8888]/', 'ok', 'https://[2001:4860:4860::8888]/'],
  ['https://[2606:4700:4700::1111]:8443/hook', 'ok', 'https://[2606:4700:4700::1111]:8443/hook'],
  // IPv4-mapped IPv6 is judged as the IPv4 address it maps to
  ['https://[::ffff:127.0.0.1]/', 'loopback-address', '127.0.0.1'],
  ['https://[::ffff:7f00:1]/', 'loopback-address', '127.0.0.1'],
  ['https://[::ffff:a00:1]/', 'private-address', '10.0.0.1'],
  ['https://[::ffff:10.0.0.1]/', 'private-address', '10.0.0.1'],
  ['https://[::ffff:169.254.169.254]/', 'metadata-address', '169.254.169.254'],
  ['https://[::ffff:8.8.8.8]/', 'ok', 'https://[::ffff:808:808]/'],
  // Other IPv4-in-IPv6 forms go through translators or tunnels: always rejected
  ['https://[::127.0.0.1]/', 'ipv6-transition-address', '127.0.0.1'],
  ['https://[::ffff:0:10.0.0.1]/', 'ipv6-transition-address', '10.0.0.1'],
  ['https://[64:ff9b::10.0.0.1]/', 'ipv6-transition-address', '10.0.0.1'],
  ['https://[64:ff9b::8.8.8.8]/', 'ipv6-transition-address', '8.8.8.8'],
  ['https://[2002:a00:1::]/', 'ipv6-transition-address', '10.0.0.1'],
  ['https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/', 'ipv6-transition-address', '10.0.0.1'],
  ['https://[fe80::1%25eth0]/', 'unparseable', 'fe80::1%25eth0'],

  // --- IPv4 literals
  ['https://127.0.0.1/', 'loopback-address', '127.0.0.1'],
  ['https://127.255.255.254/', 'loopback-address', '127.255.255.254'],
  ['https://10.0.0.5/', 'private-address', '10.0.0.5'],
  ['https://172.16.0.1/', 'private-address', '172.16.0.1'],
  ['https://172.31.255.255/', 'private-address', '172.31.255.255'],
  ['https://172.15.255.255/', 'ok', 'https://172.15.255.255/'],
  ['https://172.32.0.1/', 'ok', 'https://172.32.0.1/'],
  ['https://192.168.1.1/', 'private-address', '192.168.1.1'],
  ['https://100.64.0.1/', 'cgnat-address', '100.64.0.1'],
  ['https://100.127.255.255/', 'cgnat-address', '100.127.255.255'],
  ['https://100.128.0.1/', 'ok', 'https://100.128.0.1/'],
  ['https://169.254.169.254/latest/meta-data/', 'metadata-address', '169.254.169.254'],
  ['https://169.254.170.2/v2/credentials', 'metadata-address', '169.254.170.2'],
  ['https://100.100.100.200/', 'metadata-address', '100.100.100.200'],
  ['https://169.254.1.1/', 'link-local-address', '169.254.1.1'],
  ['https://0.0.0.0/', 'unspecified-address', '0.0.0.0'],
  ['https://0.1.2.3/', 'unspecified-address', 'this network'],
  ['https://255.255.255.255/', 'broadcast-address', '255.255.255.255'],
  ['https://224.0.0.1/', 'multicast-address', '224.0.0.1'],
  ['https://239.255.255.250/', 'multicast-address', '239.255.255.250'],
  ['https://240.0.0.1/', 'reserved-address', '240.0.0.1'],
  ['https://192.0.2.10/', 'reserved-address', '192.0.2.10'],
  ['https://198.51.100.7/', 'reserved-address', '198.51.100.7'],
  ['https://198.18.0.1/', 'reserved-address', '198.18.0.1'],
  ['https://8.8.8.8/', 'ok', 'https://8.8.8.8/'],
  ['https://1.1.1.1:8443/hook', 'ok', 'https://1.1.1.1:8443/hook'],

  // --- decimal / octal / hex / shortened IPv4: judged as WHATWG normalised them
  ['https://2130706433/', 'loopback-address', '127.0.0.1 (normalised'],
  ['https://0x7f.1/', 'loopback-address', '127.0.0.1'],
  ['https://0177.0.0.1/', 'loopback-address', '127.0.0.1'],
  ['https://127.1/', 'loopback-address', '127.0.0.1'],
  ['https://0x7f000001/', 'loopback-address', '127.0.0.1'],
  ['https://167772161/', 'private-address', '10.0.0.1'],
  ['https://0x0a.0.0.1/', 'private-address', '10.0.0.1'],
  ['https://0xa9.0xfe.0xa9.0xfe/', 'metadata-address', '169.254.169.254'],
  ['https://0/', 'unspecified-address', '0.0.0.0'],
  ['https://127。0。0。1/', 'loopback-address', '127.0.0.1'],
  ['https://134744072/', 'ok', 'https://8.8.8.8/'],

  // --- trailing dots: one is stripped before the checks; a public name keeps it in the href
  ['https://localhost./', 'localhost', 'localhost.'],
  ['https://127.0.0.1./', 'loopback-address', '127.0.0.1'],
  ['https://printer.local./', 'special-use-domain', 'printer.local.'],
  ['https://intranet./', 'single-label-host', 'intranet.'],
  ['https://example.com./', 'ok', 'https://example.com./'],
  ['https://example.com../', 'invalid-host', 'example.com..'],
  ['https://a..b.com/', 'invalid-host', 'a..b.com'],
  ['https://./', 'invalid-host', '.'],
  [`https://${'a'.repeat(64)}.example.com/`, 'invalid-host', 'a'.repeat(64)],

  // --- user info
  ['https://user:pw@example.com/', 'userinfo', 'example.com'],
  ['https://user@example.com/', 'userinfo', 'example.com'],
  ['https://:pw@example.com/', 'userinfo', 'example.com'],
  ['https://@example.com/', 'ok', 'https://example.com/'],

  // --- ports: any port 1..65535
  ['https://example.com:8443/hook', 'ok', 'https://example.com:8443/hook'],
  ['https://example.com:443/hook', 'ok', 'https://example.com/hook'],
  ['https://example.com:22/hook', 'ok', 'https://example.com:22/hook'],
  ['https://example.com:0/', 'invalid-port', 'example.com'],
  ['https://example.com:65536/', 'unparseable', 'https://example.com:65536/'],

  // --- fragments, including an empty one
  ['https://example.com/hook#section', 'fragment', '#section'],
  ['https://example.com/hook#', 'fragment', '"#"'],
  ['https://example.com/hook?project=ABC&x=%20', 'ok', 'https://example.com/hook?project=ABC&x=%20'],

  // --- schemes
  ['http://example.com/', 'scheme', 'http:'],
  ['HTTP://example.com/', 'scheme', 'http:'],
  ['ftp://example.com/', 'scheme', 'ftp:'],
  ['javascript:alert(1)', 'scheme', 'javascript:'],
  ['file:///etc/passwd', 'scheme', 'file:'],
  ['data:text/plain,hi', 'scheme', 'data:'],
  ['wss://example.com/', 'scheme', 'wss:'],

  // --- empty and unparseable
  ['', 'empty', 'empty'],
  ['   ', 'empty', 'empty'],
  ['example.com/hook', 'unparseable', '"example.com/hook"'],
  ['https://', 'unparseable', '"https://"'],
  ['https://exa mple.com/', 'unparseable', 'exa mple.com'],
  ['https://example.123/', 'unparseable', 'example.123'],

  // --- length: counted on the input and on the normalised href
  [padTo(MAX_WEBHOOK_URL_LENGTH), 'ok', padTo(MAX_WEBHOOK_URL_LENGTH)],
  [padTo(MAX_WEBHOOK_URL_LENGTH + 1), 'too-long', '2001'],
  [`https://example.com/${'<'.repeat(1000)}`, 'too-long', '3020'],

  // --- IDN: accepted, reported in punycode; special-use checks apply to the ASCII form
  ['https://bücher.example/', 'ok', 'https://xn--bcher-kva.example/'],
  ['https://BÜCHER.example/hook', 'ok', 'https://xn--bcher-kva.example/hook'],
  ['https://bücher.local/', 'special-use-domain', 'xn--bcher-kva.local'],
  ['https://ｌｏｃａｌｈｏｓｔ/', 'localhost', 'localhost'],

  // --- host names
  ['https://localhost/', 'localhost', 'localhost'],
  ['https://localhost:8443/hook', 'localhost', 'localhost'],
  ['https://api.localhost/', 'localhost', 'api.localhost'],
  ['https://intranet/', 'single-label-host', 'intranet'],
  ['https://intranet:8443/hook', 'single-label-host', 'intranet'],
  ['https://printer.local/', 'special-use-domain', '.local'],
  ['https://metadata.google.internal/computeMetadata/v1/', 'special-use-domain', 'metadata.google.internal'],
  ['https://nas.home.arpa/', 'special-use-domain', 'nas.home.arpa'],
  ['https://home.arpa/', 'special-use-domain', 'home.arpa'],
  ['https://local.example.com/', 'ok', 'https://local.example.com/'],
  ['https://example.internal.com/', 'ok', 'https://example.internal.com/'],
  ['https://hooks.slack.com/services/T000/B000/XXXX', 'ok', 'https://hooks.slack.com/services/T000/B000/XXXX'],

  // --- normalisation of accepted URLs
  ['HTTPS://EXAMPLE.COM/', 'ok', 'https://example.com/'],
  ['HTTPS://Hooks.Example.COM/Path/To', 'ok', 'https://hooks.example.com/Path/To'],
  ['  https://example.com/hook  ', 'ok', 'https://example.com/hook'],
  ['https://example.com', 'ok', 'https://example.com/'],
];

describe('checkWebhookUrl', () => {
  it.each(cases)('%s -> %s', (input, expected, detail) => {
    const result = checkWebhookUrl(input);
    if (expected === 'ok') {
      expect(result).toEqual({ ok: true, value: { url: detail } });
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.rule).toBe(expected);
      expect(result.error.message).toContain(detail);
    }
  });

  it.each([null, undefined, 42, {}, ['https://example.com/']])('rejects the non-string %p', (input) => {
    const result = checkWebhookUrl(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.rule).toBe('not-a-string');
    expect(result.error.message).toContain(input === null ? 'null' : typeof input);
  });

  it.each([
    ['https://my_host.example.com/', 'my_host'],
    ['https://*.example.com/', '*'],
    ['https://-hooks.example.com/', '-hooks'],
    ['https://hooks-.example.com/', 'hooks-'],
    ['https://hooks.exa_mple.com/', 'exa_mple'],
  ])('refuses the host of %s as the invalid-host rule says (letters, digits, inner hyphens)', (input, label) => {
    const result = checkWebhookUrl(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.rule).toBe('invalid-host');
    expect(result.error.message).toContain(JSON.stringify(label));
    expect(URL_POLICY_RULES['invalid-host']).toMatch(/no _ or \*/);
  });

  it.each([
    ['https://alice:s3cr3t-token@exa mple.com/', 'unparseable'],
    ['https://alice:s3cr3t-token@[::1/', 'unparseable'],
    ['alice:s3cr3t-token@example.com', 'scheme'],
    ['https://alice:s3cr3t-token@hooks.example.com/#frag', 'userinfo'],
    ['http://alice:s3cr3t-token@hooks.example.com/', 'scheme'],
  ])('never echoes the credentials of %s, whichever rule refuses it', (input, rule) => {
    const result = checkWebhookUrl(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.rule).toBe(rule);
    expect(result.error.message).not.toContain('s3cr3t-token');
    expect(result.error.message).not.toContain('alice');
  });

  it('never echoes credentials in the message', () => {
    const result = checkWebhookUrl('https://alice:s3cr3t-token@example.com/');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).not.toContain('s3cr3t-token');
    expect(result.error.message).not.toContain('alice');
  });
});

const loopbackCases: readonly Row[] = [
  ['https://127.0.0.1:8443/hook', 'ok', 'https://127.0.0.1:8443/hook'],
  ['https://127.9.9.9/', 'ok', 'https://127.9.9.9/'],
  ['https://2130706433/', 'ok', 'https://127.0.0.1/'],
  ['https://[::1]:8443/', 'ok', 'https://[::1]:8443/'],
  ['https://[::ffff:127.0.0.1]/', 'ok', 'https://[::ffff:7f00:1]/'],
  ['https://localhost:8443/hook', 'ok', 'https://localhost:8443/hook'],
  ['https://localhost./', 'ok', 'https://localhost./'],
  ['https://example.com/', 'ok', 'https://example.com/'],
  ['https://api.localhost/', 'localhost', 'api.localhost'],
  ['http://127.0.0.1:8080/', 'scheme', 'http:'],
  ['http://localhost:8080/', 'scheme', 'http:'],
  ['https://user:pw@127.0.0.1/', 'userinfo', '127.0.0.1'],
  ['https://10.0.0.1/', 'private-address', '10.0.0.1'],
  ['https://192.168.1.1/', 'private-address', '192.168.1.1'],
  ['https://[fc00::1]/', 'private-address', '[fc00::1]'],
  ['https://169.254.169.254/', 'metadata-address', '169.254.169.254'],
  ['https://0.0.0.0/', 'unspecified-address', '0.0.0.0'],
  ['https://[::]/', 'unspecified-address', '[::]'],
  ['https://intranet/', 'single-label-host', 'intranet'],
  ['https://[::127.0.0.1]/', 'ipv6-transition-address', '127.0.0.1'],
];

describe('checkWebhookUrl with allowLoopback (offline host only)', () => {
  it.each(loopbackCases)('%s -> %s', (input, expected, detail) => {
    const result = checkWebhookUrl(input, { allowLoopback: true });
    if (expected === 'ok') {
      expect(result).toEqual({ ok: true, value: { url: detail } });
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.rule).toBe(expected);
      expect(result.error.message).toContain(detail);
    }
  });

  it('is off by default and when false', () => {
    expect(checkWebhookUrl('https://127.0.0.1/', { allowLoopback: false }).ok).toBe(false);
    expect(checkWebhookUrl('https://localhost/', {}).ok).toBe(false);
  });
});

describe('describeUrlRules', () => {
  it('lists every rule once with a short text', () => {
    const rules = describeUrlRules();
    expect(rules.map((r) => r.rule)).toEqual(Object.keys(URL_POLICY_RULES));
    for (const { description } of rules) expect(description).toMatch(/^The .{10,140}\.$/);
  });

  it('every rule is exercised by the table above', () => {
    const exercised = new Set<string>(['not-a-string', ...cases.map(([, expected]) => expected)]);
    for (const { rule } of describeUrlRules()) expect(exercised).toContain(rule);
  });
});
