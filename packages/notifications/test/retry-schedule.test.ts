import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../src/retry-schedule.js';

const SVIX = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

describe('retryDelayMs', () => {
  it("follows the schedule step after each failed attempt and stops when it is spent (Svix's: 8 attempts, ~27.6 h)", () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(SVIX, n, middle))).toEqual(SVIX);
    expect(retryDelayMs(SVIX, 8, middle)).toBeUndefined();
    expect(retryDelayMs(SVIX, 0, middle)).toBeUndefined();
    expect(SVIX.reduce((a, b) => a + b, 0) / 3_600_000).toBeCloseTo(27.6, 1);
  });

  it('jitters each wait by at most 10% either way', () => {
    expect(retryDelayMs([1000], 1, () => 0)).toBe(900);
    expect(retryDelayMs([1000], 1, () => 0.999_999)).toBe(1100);
  });
});
