import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fold, numberedUsername, foldQuery, isCalendarDate, searchTextOf, usernameBase } from './people.js';

test('folding removes accents and case, so plain letters find accented names', () => {
  assert.equal(fold('Šarić Đurđa ÉLODIE Łukasz Søren'), 'saric durda elodie lukasz soren');
  assert.equal(fold('Жуков'), 'жуков', 'other scripts keep their letters, in lower case');
  assert.equal(foldQuery('  ŠARIĆ   sara '), 'saric sara');
  assert.equal(foldQuery('   '), null);
  assert.equal(searchTextOf(['2026-01', null, 'Novak', '', undefined]), '2026-01 novak');
});

test('generated usernames are readable ASCII: initial, dot, surname', () => {
  assert.equal(usernameBase('Šárka', 'Dvořáková'), 's.dvorakova');
  assert.equal(usernameBase('Ёлка', 'Жуков'), 'y.zhukov');
  assert.equal(usernameBase('Anne-Marie', "O'Neil Smith"), 'a.oneilsmith');
  assert.equal(usernameBase('', 'Novak'), 'novak');
  assert.equal(usernameBase('李', '王'), 'user', 'a name with no Latin spelling falls back to "user" (then user2 …)');
});

test('the usernames tried for a base: the base, then numbered from 2', () => {
  assert.equal(numberedUsername('s.novak', 1), 's.novak');
  assert.equal(numberedUsername('s.novak', 2), 's.novak2');
  assert.equal(numberedUsername('s.novak', 12), 's.novak12');
});

test('calendar dates: real days only', () => {
  assert.ok(isCalendarDate('2024-02-29'));
  assert.ok(!isCalendarDate('2025-02-29'));
  assert.ok(!isCalendarDate('2025-13-01'));
  assert.ok(!isCalendarDate('01.02.2005'));
});
