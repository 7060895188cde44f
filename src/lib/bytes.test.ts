import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatBytes } from './bytes.js';

describe('formatBytes', () => {
  test('bytes, whole KB, then MB/GB/TB with one decimal unless it is 0 (powers of 1024)', () => {
    const cases: [number, string][] = [
      [0, '0 bytes'],
      [1, '1 byte'],
      [1023, '1023 bytes'],
      [1024, '1 KB'],
      [10_000, '10 KB'],
      [300 * 1024, '300 KB'],
      [5 * 1024 * 1024, '5 MB'],
      [1.5 * 1024 * 1024, '1.5 MB'],
      [16_777_216, '16 MB'],
      [6 * 1024 * 1024 + 1, '6 MB'],
      [2.25 * 1024 ** 3, '2.3 GB'],
      [3 * 1024 ** 4, '3 TB'],
      [5000 * 1024 ** 4, '5000 TB'],
    ];
    for (const [bytes, text] of cases) assert.equal(formatBytes(bytes), text, `${bytes} bytes`);
  });

  test('a size just under a unit reads as that unit, never "1024 KB" or "1024 MB"', () => {
    assert.equal(formatBytes(1024 * 1024 - 1), '1 MB');
    assert.equal(formatBytes(1024 ** 3 - 1), '1 GB');
    assert.equal(formatBytes(1024 ** 4 - 1), '1 TB');
  });
});
