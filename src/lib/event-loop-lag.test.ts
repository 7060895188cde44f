import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SustainedLag } from './event-loop-lag.js';

test('one sample over the limit is a pause, two in a row are an overload, one under ends it', () => {
  const lag = new SustainedLag(100);
  lag.record(5000);
  assert.equal(lag.overloaded, false, 'a single long pause');
  lag.record(20);
  lag.record(150);
  assert.equal(lag.overloaded, false, 'the streak started again');
  lag.record(150);
  assert.equal(lag.overloaded, true);
  assert.equal(lag.lastLagMs, 150);
  lag.record(99);
  assert.equal(lag.overloaded, false);
});

test('the number of samples that make an overload can be set', () => {
  const lag = new SustainedLag(100, 3);
  lag.record(200);
  lag.record(200);
  assert.equal(lag.overloaded, false);
  lag.record(200);
  assert.equal(lag.overloaded, true);
});
