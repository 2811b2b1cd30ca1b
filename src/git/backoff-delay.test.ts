import { describe, expect, it } from 'vitest';

import { backoffDelay } from './backoff-delay.js';

const options = { baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelay', () => {
  it('doubles from the base up to the cap', () => {
    const top = (retry: number) => backoffDelay(retry, options, () => 1);
    expect([1, 2, 3, 4, 5, 10].map(top)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads each wait over the upper half of its ceiling', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(200);
    expect(backoffDelay(3, options, () => 0.5)).toBe(300);
    expect(backoffDelay(3, options, () => 0.999)).toBe(400);
  });
});
