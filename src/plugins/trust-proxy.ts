// Which peers may tell us the client's address (X-Forwarded-For) and scheme (X-Forwarded-Proto):
// the TRUST_PROXY addresses and ranges, and `unix` for whoever connects over our unix socket (a
// socket has no peer address, so without this every client behind nginx would look the same).
import proxyAddr from '@fastify/proxy-addr';

export type TrustProxy = false | ((address: string | undefined, hop: number) => boolean);

export function trustProxyFunction(entries: readonly string[]): TrustProxy {
  if (entries.length === 0) return false;
  const trustUnixSocket = entries.includes('unix');
  const addresses = entries.filter((e) => e !== 'unix');
  const trusted = addresses.length ? proxyAddr.compile(addresses) : () => false;
  return (address, hop) => (address === undefined || address === '' ? trustUnixSocket : trusted(address, hop));
}
