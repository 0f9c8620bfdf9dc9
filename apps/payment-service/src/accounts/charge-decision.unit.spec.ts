import { describe, expect, it } from 'vitest';
import { availableCredit, decideCharge, type AccountBalance } from './charge-decision';

describe('decideCharge', () => {
  const account = { creditLimit: 10_000, charged: 7_000, refunded: 2_000 };

  it('charges within the available credit, up to the last cent', () => {
    expect(availableCredit(account)).toBe(5_000);
    expect(decideCharge(account, 'c-1', 5_000)).toEqual({ ok: true });
  });

  it('declines over the limit with a reason naming the amounts', () => {
    expect(decideCharge(account, 'c-1', 5_001)).toEqual({
      ok: false,
      reason: 'credit limit exceeded: 5001 cents requested, 5000 available',
    });
  });

  it('declines an unknown customer and a non-positive or fractional amount', () => {
    expect(decideCharge(undefined, 'c-9', 100)).toEqual({ ok: false, reason: 'no account for customer c-9' });
    expect(decideCharge(account, 'c-1', 0).ok).toBe(false);
    expect(decideCharge(account, 'c-1', 10.5).ok).toBe(false);
  });

  it('conserves money: after any mix of charges and refunds, charged − refunded is what is held, never above the limit', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let run = 0; run < 200; run++) {
      const acc: AccountBalance = { creditLimit: rand(20_000), charged: 0, refunded: 0 };
      const held: number[] = [];
      for (let op = 0; op < 30; op++) {
        if (rand(3) === 0 && held.length > 0) {
          acc.refunded += held.splice(rand(held.length), 1)[0]!;
        } else {
          const amount = 1 + rand(5_000);
          if (decideCharge(acc, 'c', amount).ok) {
            acc.charged += amount;
            held.push(amount);
          }
        }
        expect(acc.charged - acc.refunded).toBe(held.reduce((a, b) => a + b, 0));
        expect(acc.charged - acc.refunded).toBeLessThanOrEqual(acc.creditLimit);
      }
    }
  });
});
