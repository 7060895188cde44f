import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientOf, UNIX_SOCKET_CLIENT } from './client-address.js';

test('an IPv4 client is its address, also when it arrives IPv4-mapped', () => {
  assert.equal(clientOf('203.0.113.7'), '203.0.113.7');
  assert.equal(clientOf('::ffff:203.0.113.7'), '203.0.113.7');
});

test('every address of one IPv6 /64 is the same client; another /64 is another client', () => {
  const a = clientOf('2001:db8:1:2::1');
  assert.equal(a, '2001:db8:1:2::/64');
  assert.equal(clientOf('2001:0db8:0001:0002:ffff:ffff:ffff:fffe'), a);
  assert.equal(clientOf('2001:db8:1:2:dead:beef:0:1%eth0'), a);
  assert.notEqual(clientOf('2001:db8:1:3::1'), a);
  assert.equal(clientOf('::1'), '0:0:0:0::/64');
});

test('no address (a unix socket) and unparsable text are clients of their own', () => {
  assert.equal(clientOf(null), UNIX_SOCKET_CLIENT);
  assert.equal(clientOf(''), UNIX_SOCKET_CLIENT);
  assert.equal(clientOf('not an address'), 'not an address');
});
