import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const settings = { initialMs: 100, maxMs: 1000 };
  it('doubles from the initial delay and stops at the cap, jitter only below it', () => {
    expect([1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a, settings, 0.999999))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(1, settings, 0)).toBe(80);
    expect(backoffDelay(20, settings, 0)).toBe(800);
  });
});
