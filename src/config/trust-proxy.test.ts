// Which TRUST_PROXY entries warn: ranges that reach public addresses, whose clients could then
// choose the address FMS sees (the 2026-12-05 review trusted every address with two /1 ranges).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { publicTrustProxyRanges, trustProxyEntryProblem, trustProxyWarning } from './trust-proxy.js';

describe('publicTrustProxyRanges', () => {
  test('ranges that reach public addresses are named', () => {
    const wide = ['0.0.0.0/1', '128.0.0.0/1', '8.8.8.0/24', '172.0.0.0/8', '2000::/3', '::ffff:8.0.0.0/104', '::ffff:0:0/97'];
    assert.deepEqual(publicTrustProxyRanges(wide), wide);
  });

  test('loopback, private, link-local, shared and unique-local ranges are fine', () => {
    const inside = ['127.0.0.0/8', '10.0.0.0/8', '10.1.2.0/24', '172.16.0.0/12', '172.17.0.0/16', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', 'fc00::/7', 'fd12:3456::/48', 'fe80::/10', '::ffff:10.0.0.0/104'];
    assert.deepEqual(publicTrustProxyRanges(inside), []);
  });

  test('single addresses are fine, public or not: a proxy has one', () => {
    assert.deepEqual(publicTrustProxyRanges(['203.0.113.7', '8.8.8.8/32', '2001:db8::1', '2001:db8::1/128', '::1', '::ffff:8.8.8.8']), []);
  });

  test('keywords are fine', () => {
    assert.deepEqual(publicTrustProxyRanges(['loopback', 'linklocal', 'uniquelocal', 'unix']), []);
  });

  test('a range that starts inside a private one but is wider than it is public', () => {
    assert.deepEqual(publicTrustProxyRanges(['10.0.0.0/7', '192.168.0.0/15', 'fc00::/6']), ['10.0.0.0/7', '192.168.0.0/15', 'fc00::/6']);
  });
});

describe('trustProxyWarning', () => {
  test('names the ranges and the fix in one line', () => {
    const warning = trustProxyWarning(['127.0.0.1', '0.0.0.0/1', '128.0.0.0/1'])!;
    assert.match(warning, /^TRUST_PROXY ranges 0\.0\.0\.0\/1, 128\.0\.0\.0\/1 include public addresses: .*X-Forwarded-For.*list only your proxies' own addresses/);
    assert.doesNotMatch(warning, /\n/);
  });

  test('nothing to say for a proxy on the same host or a private network', () => {
    assert.equal(trustProxyWarning(['127.0.0.1', '10.0.0.0/8', 'unix']), null);
    assert.equal(trustProxyWarning([]), null);
  });
});

describe('trustProxyEntryProblem', () => {
  test('a range holding every address of a family is refused, also as IPv4-mapped IPv6', () => {
    for (const entry of ['0.0.0.0/0', '::/0', '::ffff:0:0/96', '::ffff:0.0.0.0/96', '::/80', '::/1'])
      assert.match(String(trustProxyEntryProblem(entry)), /trusts every address/, entry);
  });

  test('narrower ranges, single addresses and keywords are usable', () => {
    for (const entry of ['0.0.0.0/1', '::ffff:10.0.0.0/104', '::ffff:0:0/97', '2001:db8::/32', '127.0.0.1', 'unix', 'loopback'])
      assert.equal(trustProxyEntryProblem(entry), null, entry);
  });
});
