import { describe, expect, it } from 'vitest';
import { TransactionGate } from './transaction-gate';

describe('TransactionGate', () => {
  it('never lets more than its permits run at once, and runs every waiter in arrival order', async () => {
    const gate = new TransactionGate(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const runs = Array.from({ length: 5 }, (_, i) =>
      gate.run(async () => {
        running++;
        most = Math.max(most, running);
        order.push(i);
        await new Promise<void>((done) => releases.push(done));
        running--;
      }),
    );
    while (order.length < 5) {
      await new Promise((tick) => setImmediate(tick));
      releases.shift()?.();
    }
    releases.forEach((r) => r());
    await Promise.all(runs);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives the permit back when the work throws', async () => {
    const gate = new TransactionGate(1);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
