import ipaddr from 'ipaddr.js';
import { err, ok, type Result } from './result';

/**
 * URL policy for webhook targets (DESIGN.md section 7, SSRF).
 *
 * `checkWebhookUrl` is pure: no DNS, no I/O. It parses with the WHATWG `URL` class and checks
 * what the URL normalised to (lower-cased, IDNA/punycode host, decimal/octal/hex IPv4 forms
 * rewritten as dotted quads, IPv6 compressed), never the raw text. It runs when a webhook is
 * saved and again before every delivery, so it must stay deterministic.
 *
 * Decisions (each is pinned by a row in url-policy.test.ts):
 *
 * - Scheme: `https:` only, also with `allowLoopback` (the offline demo receiver serves https).
 * - Length: at most 2,000 characters, counted on the input and on the normalised href
 *   (normalisation can grow a URL: punycode, percent-encoding).
 * - User info: rejected when the parsed URL has a user name or password. A bare `@` with
 *   nothing before it (`https://@example.com/`) parses to no user info and is accepted; the
 *   normalised href has no `@`.
 * - Fragment: rejected when present, including an empty `#` (detected on the href, where a
 *   `#` can only be the fragment delimiter).
 * - Ports: any explicit port 1..65535 is accepted (`URL` rejects > 65535; port 0 is rejected
 *   here). No deny-list of "internal" ports: the host must already be a public name or a
 *   public address, receivers legitimately listen on 8443, 9000, 3000..., and a port list
 *   would not protect anything the address rules don't.
 * - Trailing dot: one trailing dot is stripped before the host checks, so `localhost.`,
 *   `printer.local.` and `intranet.` are rejected like their dotless forms. A public name
 *   with a trailing dot (`https://example.com./`) is accepted, and the href keeps the dot as
 *   WHATWG normalised it (the fully qualified form; we don't rewrite what the admin typed
 *   beyond WHATWG normalisation). Two trailing dots or any empty label is `invalid-host`.
 * - Host names: `localhost` and `*.localhost` (RFC 6761 loopback names); single-label names
 *   (`https://intranet/`, resolved through search domains to internal hosts); the
 *   special-use suffixes `.local`, `.internal`, `.localhost`, `.home.arpa` (this also covers
 *   `metadata.google.internal`). `.example`, `.test` and `.invalid` are not rejected: they
 *   can't reach an internal host by themselves and fail at DNS (`bücher.example` is a test
 *   fixture). Labels over 63 octets and names over 253 octets are `invalid-host`.
 * - IDN: accepted; the reported href has the punycode (ASCII) host.
 * - IP literals: only what ipaddr.js classifies as `unicast` is accepted, with these
 *   documented refinements:
 *   - Cloud metadata endpoints get their own rule (`metadata-address`) ahead of their range
 *     rule (169.254.169.254 would otherwise be `link-local-address`): 169.254.169.254,
 *     169.254.170.2 (AWS ECS), 169.254.170.23 (EKS Pod Identity), 100.100.100.200 (Alibaba),
 *     fd00:ec2::254 and fd00:ec2::23 (AWS IPv6).
 *   - IPv4 `unspecified` in ipaddr.js is all of 0.0.0.0/8 ("this network"); both are
 *     `unspecified-address`.
 *   - Documentation (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20),
 *     benchmarking (198.18/15, 2001:2::/48), 240/4, 192.0.0/24, AS112 and AMT anycast, ORCHID,
 *     discard and segment-routing prefixes are rejected as `reserved-address`: none of them
 *     is a real webhook receiver, and some networks route documentation ranges internally.
 *   - IPv6 site-local fec0::/10 (deprecated, historically "private") is `private-address`.
 *   - IPv6 must also be inside the global unicast block 2000::/3 (IANA); ipaddr.js calls
 *     unallocated space such as 4000::1 `unicast`, we call it `reserved-address`.
 *   - IPv4-mapped IPv6 (`::ffff:a.b.c.d`) *is* the IPv4 address on a dual-stack socket, so it
 *     is judged as that IPv4 address: `::ffff:10.0.0.1` is `private-address`,
 *     `::ffff:127.0.0.1` is `loopback-address` (and passes with `allowLoopback`, like
 *     127.0.0.1), `::ffff:8.8.8.8` is accepted.
 *   - Other IPv6 forms that carry an IPv4 address to a translator or tunnel are always
 *     rejected as `ipv6-transition-address`, whatever the embedded address: IPv4-compatible
 *     `::a.b.c.d`, SIIT `::ffff:0:a.b.c.d`, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4
 *     2002::/16 and Teredo 2001::/32. Where they end up depends on gateways we don't control,
 *     and a public receiver has a plain IPv4 or IPv6 address to use instead.
 * - `allowLoopback` (offline host demo and tests only, never the deployed app): permits
 *   127.0.0.0/8, ::1, `::ffff:127.x.y.z` and the exact name `localhost` (not `*.localhost`).
 *   Everything else, https-only included, still applies.
 */

export type UrlPolicyRule =
  | 'not-a-string'
  | 'empty'
  | 'too-long'
  | 'unparseable'
  | 'scheme'
  | 'userinfo'
  | 'fragment'
  | 'invalid-port'
  | 'invalid-host'
  | 'localhost'
  | 'special-use-domain'
  | 'single-label-host'
  | 'metadata-address'
  | 'loopback-address'
  | 'private-address'
  | 'link-local-address'
  | 'cgnat-address'
  | 'multicast-address'
  | 'broadcast-address'
  | 'unspecified-address'
  | 'reserved-address'
  | 'ipv6-transition-address';

export interface UrlPolicyViolation {
  readonly rule: UrlPolicyRule;
  /** Says which rule failed, names the offending host or value, and what to do instead. */
  readonly message: string;
}

export interface UrlPolicyOptions {
  /** Offline host demo and tests only: allow 127.0.0.0/8, ::1 and `localhost` (still https only). */
  readonly allowLoopback?: boolean;
}

export interface CheckedWebhookUrl {
  /** The WHATWG-normalised href: this is what is stored and called. */
  readonly url: string;
}

export const MAX_WEBHOOK_URL_LENGTH = 2000;

/** Rule id -> short human text, in the order the checks run. For docs and the admin UI. */
export const URL_POLICY_RULES: Readonly<Record<UrlPolicyRule, string>> = {
  'not-a-string': 'The URL must be text.',
  empty: 'The URL must not be empty.',
  'too-long': `The URL must be at most ${MAX_WEBHOOK_URL_LENGTH} characters long.`,
  unparseable: 'The URL must be a valid absolute URL.',
  scheme: 'The URL must start with https://.',
  userinfo: 'The URL must not contain a user name or password (user:password@).',
  fragment: 'The URL must not contain a fragment (#...).',
  'invalid-port': 'The port, if given, must be between 1 and 65535.',
  'invalid-host': 'The host name must be a DNS name: labels of letters, digits and inner hyphens (no _ or *), none empty, each up to 63 characters.',
  localhost: 'The host must not be localhost or a *.localhost name.',
  'special-use-domain': 'The host must not end in .local, .internal, .localhost or .home.arpa.',
  'single-label-host': 'The host must be a fully qualified name with at least one dot (e.g. hooks.example.com).',
  'metadata-address': 'The host must not be a cloud metadata address such as 169.254.169.254.',
  'loopback-address': 'The host must not be a loopback address (127.0.0.0/8, ::1).',
  'private-address': 'The host must not be a private network address (10/8, 172.16/12, 192.168/16, fc00::/7).',
  'link-local-address': 'The host must not be a link-local address (169.254/16, fe80::/10).',
  'cgnat-address': 'The host must not be a carrier-grade NAT address (100.64.0.0/10).',
  'multicast-address': 'The host must not be a multicast address (224.0.0.0/4, ff00::/8).',
  'broadcast-address': 'The host must not be the broadcast address 255.255.255.255.',
  'unspecified-address': 'The host must not be an unspecified or "this network" address (0.0.0.0/8, ::).',
  'reserved-address': 'The host must not be a reserved, documentation or benchmarking address.',
  'ipv6-transition-address': 'The host must not be an IPv6 transition address (NAT64, 6to4, Teredo, IPv4-compatible).',
};

/** The rules as a list, for rendering. */
export const describeUrlRules = (): ReadonlyArray<{ readonly rule: UrlPolicyRule; readonly description: string }> =>
  (Object.keys(URL_POLICY_RULES) as UrlPolicyRule[]).map((rule) => ({ rule, description: URL_POLICY_RULES[rule] }));

type Violation = { readonly ok: false; readonly error: UrlPolicyViolation };
const violation = (rule: UrlPolicyRule, message: string): Violation => err({ rule, message });

const SPECIAL_USE_SUFFIXES = ['local', 'internal', 'localhost', 'home.arpa'] as const;

const METADATA_ADDRESSES: ReadonlyMap<string, string> = new Map(
  [
    ['169.254.169.254', 'the cloud instance metadata service'],
    ['169.254.170.2', 'the AWS ECS task metadata service'],
    ['169.254.170.23', 'the AWS EKS Pod Identity agent'],
    ['100.100.100.200', 'the Alibaba Cloud metadata service'],
    ['fd00:ec2::254', 'the AWS instance metadata service (IPv6)'],
    ['fd00:ec2::23', 'the AWS EKS Pod Identity agent (IPv6)'],
  ].map(([address, what]) => [ipaddr.parse(address as string).toNormalizedString(), what as string]),
);

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const IPV4_COMPATIBLE_V6 = ipaddr.parseCIDR('::/96');

const ADVICE_PUBLIC = 'webhooks can only be sent to public addresses.';

/** Quote an input for a message: bounded, control characters escaped, credentials hidden. */
const quote = (value: string): string => {
  const redacted = redactCredentials(value);
  const shown = redacted.length > 80 ? `${redacted.slice(0, 77)}...` : redacted;
  return JSON.stringify(shown);
};

/**
 * `https://user:secret@host/x` -> `https://***@host/x`: what stands before the last `@` of the
 * authority may be a password, even in text that is not a valid URL, and messages end up in logs
 * and the UI.
 */
export function redactCredentials(value: string): string {
  return value.replace(/^(\s*[a-z][a-z0-9+.-]*:[/\\]+)?[^/?#\\]*@/i, (_match, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

export function checkWebhookUrl(input: unknown, options: UrlPolicyOptions = {}): Result<CheckedWebhookUrl, UrlPolicyViolation> {
  if (typeof input !== 'string') {
    return violation('not-a-string', `The webhook URL must be text, but a value of type ${input === null ? 'null' : typeof input} was given.`);
  }
  if (input.trim() === '') {
    return violation('empty', 'The webhook URL is empty; enter an https:// URL of the receiving endpoint.');
  }
  if (input.length > MAX_WEBHOOK_URL_LENGTH) {
    return violation('too-long', `The URL is ${input.length} characters long; webhook URLs can be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`);
  }

  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return violation('unparseable', `The value ${quote(input)} is not a valid URL; enter a full URL such as https://hooks.example.com/jira.`);
  }

  if (url.href.length > MAX_WEBHOOK_URL_LENGTH) {
    return violation(
      'too-long',
      `The URL is ${url.href.length} characters long once normalised (percent-encoding, punycode); webhook URLs can be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`,
    );
  }
  if (url.protocol !== 'https:') {
    // "alice:secret@host" parses with the scheme "alice:": with an @ and no //, that may be a user name.
    if (input.includes('@') && !/^\s*[a-z][a-z0-9+.-]*:\/\//i.test(input)) return violation('scheme', 'The URL does not start with https:// (and what precedes the @ is not repeated here); webhook URLs must start with https://.');
    return violation('scheme', `The scheme ${url.protocol} is not allowed; webhook URLs must start with https://.`);
  }
  if (url.username !== '' || url.password !== '') {
    // Never echo the credentials themselves: messages end up in logs and the UI.
    const what = url.password !== '' ? 'a user name and password' : 'a user name';
    return violation('userinfo', `The URL for ${url.hostname} contains ${what} (user:password@); remove that part and authenticate with the webhook secret instead.`);
  }
  if (url.href.includes('#')) {
    return violation('fragment', `The URL contains the fragment ${quote(url.hash === '' ? '#' : url.hash)}; fragments are never sent to the server, remove the # part.`);
  }
  if (url.port === '0') {
    return violation('invalid-port', `The port 0 for ${url.hostname} is not usable; give a port between 1 and 65535 or leave it out for 443.`);
  }

  // Name the host as the checks saw it; say so when that differs from what was typed
  // (2130706433 -> 127.0.0.1, bücher -> xn--bcher-kva, [0::1] -> [::1]).
  const typed = input.toLowerCase().includes(url.hostname);
  const shown = typed ? url.hostname : `${url.hostname} (normalised from the URL entered)`;
  const hostViolation = checkHost(url.hostname, shown, options);
  return hostViolation ?? ok({ url: url.href });
}

/** One DNS label as host names allow it (letters, digits, hyphens inside); the URL parser has lower-cased and punycoded it. */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** `hostname` is the WHATWG-normalised host: lower case, punycode, dotted IPv4 or [IPv6]. */
function checkHost(hostname: string, shown: string, options: UrlPolicyOptions): Violation | undefined {
  if (hostname.startsWith('[') && hostname.endsWith(']')) {
    return checkIPv6(shown, ipaddr.IPv6.parse(hostname.slice(1, -1)), options);
  }
  // The cheap pattern first: ipaddr.js throws (slowly) inside for anything that is not an address.
  if (DOTTED_QUAD.test(hostname) && ipaddr.IPv4.isValidFourPartDecimal(hostname)) {
    return checkIPv4(shown, ipaddr.IPv4.parse(hostname), options);
  }
  return checkDomainName(hostname, shown, options);
}

function checkDomainName(hostname: string, shown: string, options: UrlPolicyOptions): Violation | undefined {
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  const labels = name.split('.');
  if (name === '' || labels.some((label) => label === '')) {
    return violation('invalid-host', `The host ${shown} has an empty label (".." or a second trailing dot); enter a host name such as hooks.example.com.`);
  }
  if (name.length > 253 || labels.some((label) => label.length > 63)) {
    return violation('invalid-host', `The host ${shown} is not a valid DNS name (labels are at most 63 characters, names at most 253).`);
  }
  const badLabel = labels.find((label) => !DNS_LABEL.test(label));
  if (badLabel !== undefined) {
    const why = /^-|-$/.test(badLabel) ? 'starts or ends with a hyphen' : 'has a character other than letters, digits and hyphens (such as _ or *)';
    return violation('invalid-host', `The host ${shown} is not a valid DNS name: the label ${quote(badLabel)} ${why}.`);
  }
  if (name === 'localhost') {
    if (options.allowLoopback === true) return undefined;
    return violation('localhost', `The host ${shown} is this machine; webhooks can only be sent to public hosts.`);
  }
  if (name.endsWith('.localhost')) {
    return violation('localhost', `The host ${shown} is a *.localhost name, which always means this machine; webhooks can only be sent to public hosts.`);
  }
  const suffix = SPECIAL_USE_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  if (suffix !== undefined) {
    return violation(
      'special-use-domain',
      `The host ${shown} uses the special-use domain .${suffix}, which only resolves inside a local network; use a public host name.`,
    );
  }
  if (labels.length < 2) {
    return violation(
      'single-label-host',
      `The host ${shown} is a single-label name, which resolves only inside a local network; use a fully qualified public name such as ${name}.example.com.`,
    );
  }
  return undefined;
}

function checkIPv4(shown: string, address: ipaddr.IPv4, options: UrlPolicyOptions, via?: string): Violation | undefined {
  const host = via === undefined ? `The host ${shown}` : `The host ${shown} (${via} ${address.toString()})`;
  const metadata = METADATA_ADDRESSES.get(address.toNormalizedString());
  if (metadata !== undefined) {
    return violation('metadata-address', `${host} is ${metadata}; webhooks can never be sent to cloud metadata addresses.`);
  }
  const range = address.range();
  switch (range) {
    case 'unicast':
      return undefined;
    case 'loopback':
      if (options.allowLoopback === true) return undefined;
      return violation('loopback-address', `${host} is a loopback address (127.0.0.0/8) on this machine; ${ADVICE_PUBLIC}`);
    case 'private':
      return violation('private-address', `${host} is a private network address (RFC 1918); ${ADVICE_PUBLIC}`);
    case 'linkLocal':
      return violation('link-local-address', `${host} is a link-local address (169.254.0.0/16); ${ADVICE_PUBLIC}`);
    case 'carrierGradeNat':
      return violation('cgnat-address', `${host} is a carrier-grade NAT address (100.64.0.0/10); ${ADVICE_PUBLIC}`);
    case 'multicast':
      return violation('multicast-address', `${host} is a multicast address (224.0.0.0/4); ${ADVICE_PUBLIC}`);
    case 'broadcast':
      return violation('broadcast-address', `${host} is the broadcast address; ${ADVICE_PUBLIC}`);
    case 'unspecified':
      return violation(
        'unspecified-address',
        address.toString() === '0.0.0.0'
          ? `${host} is the unspecified address; ${ADVICE_PUBLIC}`
          : `${host} is in the "this network" block 0.0.0.0/8; ${ADVICE_PUBLIC}`,
      );
    default:
      // reserved (240/4, 192.0.0/24, documentation, benchmarking), as112, amt, and anything a
      // future ipaddr.js adds: fail closed.
      return violation('reserved-address', `${host} is in a reserved special-purpose range (${reservedLabel(range)}); ${ADVICE_PUBLIC}`);
  }
}

function checkIPv6(shown: string, address: ipaddr.IPv6, options: UrlPolicyOptions): Violation | undefined {
  const host = `The host ${shown}`;
  const metadata = METADATA_ADDRESSES.get(address.toNormalizedString());
  if (metadata !== undefined) {
    return violation('metadata-address', `${host} is ${metadata}; webhooks can never be sent to cloud metadata addresses.`);
  }
  if (address.isIPv4MappedAddress()) {
    return checkIPv4(shown, address.toIPv4Address(), options, 'an IPv4-mapped IPv6 address, that is');
  }
  const range: string = address.range();
  switch (range) {
    case 'unicast':
      if (address.match(IPV4_COMPATIBLE_V6)) {
        return transition(host, 'an IPv4-compatible IPv6 address (deprecated)', v4From(address, 6));
      }
      if (!address.match(GLOBAL_UNICAST_V6)) {
        return violation('reserved-address', `${host} is outside the IPv6 global unicast block 2000::/3; ${ADVICE_PUBLIC}`);
      }
      return undefined;
    case 'loopback':
      if (options.allowLoopback === true) return undefined;
      return violation('loopback-address', `${host} is the IPv6 loopback address on this machine; ${ADVICE_PUBLIC}`);
    case 'uniqueLocal':
      return violation('private-address', `${host} is a private (unique local, fc00::/7) address; ${ADVICE_PUBLIC}`);
    case 'deprecatedSiteLocal':
      return violation('private-address', `${host} is a private (site-local, fec0::/10) address; ${ADVICE_PUBLIC}`);
    case 'linkLocal':
      return violation('link-local-address', `${host} is a link-local address (fe80::/10); ${ADVICE_PUBLIC}`);
    case 'multicast':
      return violation('multicast-address', `${host} is a multicast address (ff00::/8); ${ADVICE_PUBLIC}`);
    case 'unspecified':
      return violation('unspecified-address', `${host} is the unspecified address; ${ADVICE_PUBLIC}`);
    case 'rfc6145':
      return transition(host, 'an IPv4-translated (SIIT) address', v4From(address, 6));
    case 'rfc6052':
      return transition(host, 'a NAT64 address', address.parts[1] === 0xff9b && address.parts[2] === 0 ? v4From(address, 6) : undefined);
    case '6to4':
      return transition(host, 'a 6to4 address', v4From(address, 1));
    case 'teredo':
      return transition(host, 'a Teredo address', teredoClient(address));
    default:
      // reserved (documentation 2001:db8::/32, 3fff::/20, 2001::/23), benchmarking, amt,
      // as112v6, ORCHID, discard, segment routing, and any future range: fail closed.
      return violation('reserved-address', `${host} is in a reserved special-purpose range (${reservedLabel(range)}); ${ADVICE_PUBLIC}`);
  }
}

/** ipaddr.js range names, readable in a message. */
function reservedLabel(range: string): string {
  if (range === 'reserved') return 'documentation, benchmarking or future use';
  if (range === 'benchmarking') return 'benchmarking';
  return `the ipaddr.js "${range}" range`;
}

function transition(host: string, kind: string, embedded: ipaddr.IPv4 | undefined): Violation {
  const carries = embedded === undefined ? '' : ` carrying the IPv4 address ${embedded.toString()}`;
  return violation(
    'ipv6-transition-address',
    `${host} is ${kind}${carries}, which is delivered through a translator or tunnel; use the receiver's public IPv4 or IPv6 address directly.`,
  );
}

/** The IPv4 address in the two 16-bit parts starting at `index`. */
function v4From(address: ipaddr.IPv6, index: number): ipaddr.IPv4 {
  const high = address.parts[index] ?? 0;
  const low = address.parts[index + 1] ?? 0;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** Teredo (RFC 4380) stores the client's IPv4 address bit-inverted in the last 32 bits. */
function teredoClient(address: ipaddr.IPv6): ipaddr.IPv4 {
  const high = ~(address.parts[6] ?? 0) & 0xffff;
  const low = ~(address.parts[7] ?? 0) & 0xffff;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}
