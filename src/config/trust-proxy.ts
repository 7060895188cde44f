// TRUST_PROXY entries: which ones the server can use (the same rules as @fastify/proxy-addr, which
// compiles them at start), and which ones trust more than a proxy should: a range that reaches
// public addresses lets any client there write its own X-Forwarded-For, and so choose the address
// the rate limits and the audit trail see.
import { BlockList, isIP } from 'node:net';

/** proxy-addr's names for address groups, plus `unix` for a proxy on our unix socket. */
const keywords = ['loopback', 'linklocal', 'uniquelocal', 'unix'];

/**
 * What is wrong with one entry, or null when the server can use it: an IP address, or an address
 * with a prefix from 1 to 32 (IPv4) or 128 (IPv6). proxy-addr refuses a prefix of 0 ("invalid
 * range on address: 0.0.0.0/0") and `fms serve` would stop at start, so config refuses it first.
 */
export function trustProxyEntryProblem(entry: string): string | null {
  if (keywords.includes(entry)) return null;
  const notAddress = `TRUST_PROXY entry "${entry}" is not an address: give comma-separated IPs or CIDR ranges (127.0.0.1,10.0.0.0/8), loopback, or unix for a proxy on our unix socket`;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length) return notAddress;
  if (prefix === undefined) return null;
  if (!/^\d{1,3}$/.test(prefix)) return notAddress;
  const bits = Number(prefix);
  if (bits > (version === 4 ? 32 : 128)) return notAddress;
  if (bits === 0 || (version === 6 && bits <= 96 && coversEveryIPv4(address!, bits)))
    return `TRUST_PROXY entry "${entry}" trusts every address, so any client could choose its own address with X-Forwarded-For: list only your proxies' addresses or ranges (127.0.0.1, 10.0.0.0/8)`;
  return null;
}

/**
 * An IPv6 range that holds all of ::ffff:0:0/96 trusts every IPv4 client (they arrive IPv4-mapped
 * on a dual-stack socket), as 0.0.0.0/0 would.
 */
function coversEveryIPv4(address: string, bits: number): boolean {
  const range = new BlockList();
  range.addSubnet(address, bits, 'ipv6');
  return range.check('::ffff:0.0.0.0', 'ipv6') && range.check('::ffff:255.255.255.255', 'ipv6');
}

/** Ranges that are not public: loopback, private (RFC 1918, RFC 4193), link-local, shared (RFC 6598). */
const privateRanges: [string, number, 'ipv4' | 'ipv6'][] = [
  ['127.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  // Carrier-grade NAT and overlay networks (Tailscale): not reachable from the internet either.
  ['100.64.0.0', 10, 'ipv4'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
];

/** One list per range: a CIDR lies inside a range when its prefix is as long and its address inside. */
const privateBlocks = privateRanges.flatMap(([network, prefix, family]) => {
  const blocks = [{ prefix, family, list: new BlockList() }];
  blocks[0]!.list.addSubnet(network, prefix, family);
  if (family === 'ipv4') {
    // The same range written as IPv4-mapped IPv6 (::ffff:10.0.0.0/104).
    const mapped = new BlockList();
    mapped.addSubnet(`::ffff:${network}`, 96 + prefix, 'ipv6');
    blocks.push({ prefix: 96 + prefix, family: 'ipv6', list: mapped });
  }
  return blocks;
});

/**
 * The entries that are ranges reaching public addresses (0.0.0.0/1, 8.8.8.0/24, 2000::/3). Single
 * addresses are fine, public or not (a proxy has one), and so are the keywords and ranges inside
 * the private ones above. Entries that are not valid are left to trustProxyEntryProblem.
 */
export function publicTrustProxyRanges(entries: readonly string[]): string[] {
  return entries.filter((entry) => {
    if (keywords.includes(entry) || trustProxyEntryProblem(entry)) return false;
    const [address, prefixText] = entry.split('/');
    if (prefixText === undefined) return false;
    const family = isIP(address!) === 4 ? 'ipv4' : 'ipv6';
    const prefix = Number(prefixText);
    if (prefix === (family === 'ipv4' ? 32 : 128)) return false;
    return !privateBlocks.some((block) => block.family === family && prefix >= block.prefix && block.list.check(address!, family));
  });
}

/** One warning line for the entries publicTrustProxyRanges found, naming the fix; null when none. */
export function trustProxyWarning(entries: readonly string[]): string | null {
  const wide = publicTrustProxyRanges(entries);
  if (!wide.length) return null;
  return (
    `TRUST_PROXY ${wide.length > 1 ? 'ranges' : 'range'} ${wide.join(', ')} ${wide.length > 1 ? 'include' : 'includes'} public addresses: ` +
    'any client there can set X-Forwarded-For and choose the address that rate limits and the audit trail see; ' +
    "list only your proxies' own addresses (or a CDN's published ranges, if you use one)"
  );
}
