// Who "one client" is, for rate limits and the sign-in lockout. An IPv4 address is one client. An
// IPv6 client is its /64: a single home or server is handed a whole /64 and can use any of its
// 2^64 addresses, so counting per address would give an attacker millions of fresh budgets.
import ipaddr from 'ipaddr.js';

/** Clients that connect over our unix socket without a trusted proxy have no address. */
export const UNIX_SOCKET_CLIENT = 'unix-socket';

export function clientOf(ip: string | null | undefined): string {
  if (!ip) return UNIX_SOCKET_CLIENT;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip.replace(/%.*$/, ''));
  } catch {
    return ip.slice(0, 64);
  }
  if (address.kind() === 'ipv4') return address.toString();
  // The first four groups, written out, name the /64.
  const groups = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${groups.join(':')}::/64`;
}
