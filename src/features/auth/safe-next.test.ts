// After sign-in FMS goes back where the user was going, but never to another site.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeNext } from './routes.js';

test('next= keeps local paths and refuses everything that could leave the site', () => {
  assert.equal(safeNext('/account/tokens'), '/account/tokens');
  assert.equal(safeNext('/admin/accounts?q=anna&role=student'), '/admin/accounts?q=anna&role=student');
  for (const bad of [
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example',
    '/\t/evil.example',
    '/%09/evil.example'.replace('%09', '\t'),
    '/\n/evil.example',
    ' /dashboard',
    'javascript:alert(1)',
    '/login?next=/x',
    '/logout',
    42,
    undefined,
  ]) {
    assert.equal(safeNext(bad), '/dashboard', JSON.stringify(bad));
  }
  // Percent-encoded characters are harmless path text, not control characters.
  assert.equal(safeNext('/%09/evil.example'), '/%09/evil.example');
});
