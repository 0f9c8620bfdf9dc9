import { describe, expect, it } from 'vitest';
import { mergeLines, planReservation } from './reservation-plan';

const stock = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('planReservation', () => {
  it('reserves every line when each SKU has enough', () => {
    expect(
      planReservation(
        [
          { sku: 'B', quantity: 2 },
          { sku: 'A', quantity: 1 },
        ],
        stock({ A: 1, B: 5 }),
      ),
    ).toEqual({
      ok: true,
      lines: [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
      ],
    });
  });

  it('reserves nothing when one line is short, and names it', () => {
    const plan = planReservation(
      [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 3 },
      ],
      stock({ A: 10, B: 2 }),
    );
    expect(plan).toEqual({
      ok: false,
      reason: 'out of stock: B (requested 3, available 2)',
      shortages: [{ sku: 'B', requested: 3, available: 2 }],
    });
  });

  it('sums duplicate lines of one SKU before checking, so two lines cannot sneak past the stock', () => {
    const plan = planReservation(
      [
        { sku: 'A', quantity: 2 },
        { sku: 'A', quantity: 2 },
      ],
      stock({ A: 3 }),
    );
    expect(plan.ok).toBe(false);
    expect(plan.ok === false && plan.shortages).toEqual([{ sku: 'A', requested: 4, available: 3 }]);
  });

  it('rejects an unknown SKU, an empty order and a non-positive quantity', () => {
    expect(planReservation([{ sku: 'Z', quantity: 1 }], stock({}))).toMatchObject({
      ok: false,
      reason: 'out of stock: Z (unknown SKU)',
    });
    expect(planReservation([], stock({}))).toMatchObject({ ok: false, reason: 'the order has no lines' });
    expect(planReservation([{ sku: 'A', quantity: 0 }], stock({ A: 1 }))).toMatchObject({ ok: false });
  });

  it('never oversells: serving any sequence of orders from one shelf never takes more than was there', () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let run = 0; run < 200; run++) {
      const shelf = new Map([
        ['A', rand(6)],
        ['B', rand(6)],
      ]);
      const initial = new Map(shelf);
      let taken = 0;
      for (let o = 0; o < 20; o++) {
        const order = [
          { sku: rand(2) ? 'A' : 'B', quantity: 1 + rand(3) },
          { sku: rand(2) ? 'A' : 'B', quantity: 1 + rand(2) },
        ];
        const plan = planReservation(order, shelf);
        if (!plan.ok) continue;
        for (const l of plan.lines) {
          shelf.set(l.sku, shelf.get(l.sku)! - l.quantity);
          taken += l.quantity;
        }
      }
      for (const [sku, left] of shelf) expect(left, `SKU ${sku}`).toBeGreaterThanOrEqual(0);
      expect(taken).toBe(
        [...initial.values()].reduce((a, b) => a + b) - [...shelf.values()].reduce((a, b) => a + b),
      );
    }
  });
});

describe('mergeLines', () => {
  it('sorts by SKU so every transaction locks stock rows in the same order (no deadlocks)', () => {
    expect(
      mergeLines([
        { sku: 'b', quantity: 1 },
        { sku: 'a', quantity: 1 },
        { sku: 'b', quantity: 2 },
      ]).map((l) => l.sku),
    ).toEqual(['a', 'b']);
  });
});
