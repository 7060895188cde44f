import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBoolean, parseDuration, parseRate, parseSize } from './parse.js';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

describe('parseDuration', () => {
  test('units: ms, s, m, h, d', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('45s'), 45 * second);
    assert.equal(parseDuration('30m'), 30 * minute);
    assert.equal(parseDuration('12h'), 12 * hour);
    assert.equal(parseDuration('7d'), 7 * 24 * hour);
  });

  test('a bare number is seconds, as in the Flask settings', () => {
    assert.equal(parseDuration('3600'), hour);
    assert.equal(parseDuration('43200'), 12 * hour);
  });

  test('fractions, upper case and spaces are tolerated', () => {
    assert.equal(parseDuration('1.5h'), 90 * minute);
    assert.equal(parseDuration('12H'), 12 * hour);
    assert.equal(parseDuration(' 12 h '), 12 * hour);
    assert.equal(parseDuration('0.5s'), 500);
  });

  test('zero, negatives and anything else are refused', () => {
    for (const text of ['', ' ', '0', '0s', '0h', '-5', '-1h', 'h', '12x', '12hours', '12 hours', '1h30m', '1e3', 'twelve', '12,5h', 'Infinity', 'NaN']) {
      assert.equal(parseDuration(text), null, JSON.stringify(text));
    }
  });
});

describe('parseSize', () => {
  test('a bare number is bytes, as Flask read MAX_CONTENT_LENGTH', () => {
    assert.equal(parseSize('16777216'), 16_777_216);
    assert.equal(parseSize('1'), 1);
  });

  test('binary and decimal units, in any case', () => {
    assert.equal(parseSize('16MiB'), 16 * 1024 * 1024);
    assert.equal(parseSize('16mib'), 16 * 1024 * 1024);
    assert.equal(parseSize('16MB'), 16_000_000);
    assert.equal(parseSize('10M'), 10_000_000);
    assert.equal(parseSize('512KiB'), 512 * 1024);
    assert.equal(parseSize('2k'), 2000);
    assert.equal(parseSize('1GiB'), 1024 ** 3);
    assert.equal(parseSize('1 GB'), 1e9);
    assert.equal(parseSize('100B'), 100);
  });

  test('fractions round down to whole bytes', () => {
    assert.equal(parseSize('1.5KiB'), 1536);
    assert.equal(parseSize('0.5MiB'), 512 * 1024);
    assert.equal(parseSize('1.001KiB'), 1025);
  });

  test('zero, negatives, unknown units and junk are refused', () => {
    for (const text of ['', '0', '0MiB', '0.5', '-1', '-16MiB', 'MiB', '16XB', '16 parsecs', '16TiB', '1e6', '16,5MiB', 'lots', '16 MiB extra']) {
      assert.equal(parseSize(text), null, JSON.stringify(text));
    }
  });
});

describe('parseBoolean', () => {
  test('true/false and 1/0', () => {
    assert.equal(parseBoolean('true'), true);
    assert.equal(parseBoolean('1'), true);
    assert.equal(parseBoolean('false'), false);
    assert.equal(parseBoolean('0'), false);
  });

  test('anything else is neither, so the caller can refuse it', () => {
    for (const text of ['', 'yes', 'no', 'on', 'off', '2', 'truthy', ' true']) {
      assert.equal(parseBoolean(text), null, JSON.stringify(text));
    }
  });
});

describe('parseRate', () => {
  test('reads Flask-Limiter style rates', () => {
    assert.deepEqual(parseRate('600 per minute'), { max: 600, windowMs: 60_000 });
    assert.deepEqual(parseRate('10/second'), { max: 10, windowMs: 1000 });
    assert.deepEqual(parseRate('1000 per 1 hour'), { max: 1000, windowMs: 3_600_000 });
    assert.deepEqual(parseRate('5 per days'), { max: 5, windowMs: 86_400_000 });
    for (const bad of ['', 'many per minute', '0 per minute', '10 per fortnight', '10']) assert.equal(parseRate(bad), null, bad);
  });
});
