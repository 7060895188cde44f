import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDeadline, instantFromLocal, localInputValue, timeFromNow } from './department-time.js';

test('a wall-clock time typed in the department\'s zone is the instant it names there', () => {
  assert.equal(instantFromLocal('2026-12-10T23:59', 'UTC')!.toISOString(), '2026-12-10T23:59:00.000Z');
  assert.equal(instantFromLocal('2026-12-10T23:59', 'Europe/Zagreb')!.toISOString(), '2026-12-10T22:59:00.000Z', 'winter: UTC+1');
  assert.equal(instantFromLocal('2026-07-01T09:00', 'Europe/Zagreb')!.toISOString(), '2026-07-01T07:00:00.000Z', 'summer: UTC+2');
  assert.equal(instantFromLocal('2026-12-10T23:59', 'Asia/Yerevan')!.toISOString(), '2026-12-10T19:59:00.000Z');
  assert.equal(instantFromLocal('2026-03-29T02:30', 'Europe/Zagreb')!.toISOString(), '2026-03-29T01:30:00.000Z', 'a skipped time lands after the change');
});

test('text that is not a date and time is refused, not guessed', () => {
  for (const text of ['', 'tomorrow', '2026-02-30T10:00', '2026-12-10', '2026-12-10T25:00', '2026-13-01T10:00']) assert.equal(instantFromLocal(text, 'UTC'), null, text);
});

test('an instant is shown and put back in a form in the zone, round trip', () => {
  const at = new Date('2026-12-10T22:59:00.000Z');
  assert.equal(localInputValue(at, 'Europe/Zagreb'), '2026-12-10T23:59');
  assert.equal(instantFromLocal(localInputValue(at, 'Europe/Zagreb'), 'Europe/Zagreb')!.getTime(), at.getTime());
  assert.equal(formatDeadline(at, 'Europe/Zagreb'), 'Thu, 10 Dec 2026, 23:59 Europe/Zagreb');
});

test('time left reads in days, hours or minutes', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  assert.equal(timeFromNow(new Date('2026-12-04T12:00:00Z'), now), 'in 3 days');
  assert.equal(timeFromNow(new Date('2026-12-01T17:00:00Z'), now), 'in 5 hours');
  assert.equal(timeFromNow(new Date('2026-12-01T12:30:00Z'), now), 'in 30 minutes');
  assert.equal(timeFromNow(new Date('2026-11-29T12:00:00Z'), now), '2 days ago');
  assert.equal(timeFromNow(new Date('2026-12-01T12:00:20Z'), now), 'just now');
});
