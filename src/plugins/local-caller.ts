// Whether a request comes from this machine: a healthcheck run by systemd, docker or an operator's
// curl on the server. Such callers see what anonymous ones may not (the details of /readyz).
import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** 127.0.0.0/8 or ::1, in any spelling (also 127.x as an IPv4-mapped IPv6 address, a dual-stack socket's view). */
export function isLoopbackAddress(address: string | undefined): boolean {
  const family = address ? isIP(address) : 0;
  return family !== 0 && loopback.check(address!, family === 4 ? 'ipv4' : 'ipv6');
}

/** Headers a proxy adds when it passes a request on. */
const forwardingHeaders = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

/**
 * True for a request from this machine's loopback interface that no proxy passed on.
 *
 * request.ip is safe to decide with: it is the socket's peer unless that peer is in TRUST_PROXY,
 * and only then the address the proxy reports. A remote client cannot make it 127.0.0.1: without
 * TRUST_PROXY its own X-Forwarded-For is ignored; behind a trusted nginx, nginx replaces that header
 * with the address it saw (deploy/nginx/fms.conf). Over a unix socket there is no peer address, so
 * request.ip is the proxy's report or nothing, and never counts as local: a local caller on the
 * socket sends METRICS_TOKEN instead.
 *
 * One mistake is left: nginx on this host in front of FMS without TRUST_PROXY. Every request then
 * comes from 127.0.0.1, and would look local. Such requests carry the proxy's forwarding headers,
 * so any of them makes the request not local (a healthcheck on the machine sends none).
 */
export function isLocalCaller(request: Pick<FastifyRequest, 'ip' | 'headers'>): boolean {
  if (!isLoopbackAddress(request.ip)) return false;
  return forwardingHeaders.every((name) => request.headers[name] === undefined);
}
