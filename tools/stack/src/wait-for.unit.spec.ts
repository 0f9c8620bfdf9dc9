import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `after ${calls}` : undefined), {
      timeoutMs: 1_000,
      intervalMs: 1,
      description: 'three calls',
    });
    expect(value).toBe('after 3');
  });

  it('names what it waited for and keeps the last error as cause', async () => {
    const error = await waitFor(
      () => {
        throw new Error('still down');
      },
      { timeoutMs: 30, intervalMs: 5, description: 'the broker' },
    ).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/waiting for the broker: last error: still down/);
    expect(((error as Error).cause as Error).message).toBe('still down');
  });
});
