import type { StockLine, StockShortage } from '@sagaflow/contracts';

/** The answer to a reservation request: every line, or none and why. */
export type ReservationPlan =
  { ok: true; lines: StockLine[] } | { ok: false; reason: string; shortages: StockShortage[] };

/** Lines with one entry per SKU (quantities summed), sorted by SKU: the order rows are locked in. */
export function mergeLines(items: readonly StockLine[]): StockLine[] {
  const bySku = new Map<string, number>();
  for (const { sku, quantity } of items) bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  return [...bySku]
    .map(([sku, quantity]) => ({ sku, quantity }))
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/**
 * Decides a reservation, all or nothing: it succeeds only when every SKU has enough available units.
 * Pure: `available` is what the locked stock rows hold (an absent SKU is unknown).
 */
export function planReservation(
  items: readonly StockLine[],
  available: ReadonlyMap<string, number>,
): ReservationPlan {
  if (items.length === 0) return { ok: false, reason: 'the order has no lines', shortages: [] };
  const bad = items.find((l) => !Number.isInteger(l.quantity) || l.quantity <= 0);
  if (bad)
    return {
      ok: false,
      reason: `invalid quantity ${bad.quantity} for ${bad.sku}: must be a positive integer`,
      shortages: [],
    };
  const lines = mergeLines(items);
  const shortages: StockShortage[] = [];
  const words: string[] = [];
  for (const { sku, quantity } of lines) {
    const have = available.get(sku);
    if (have === undefined) {
      shortages.push({ sku, requested: quantity, available: 0 });
      words.push(`${sku} (unknown SKU)`);
    } else if (have < quantity) {
      shortages.push({ sku, requested: quantity, available: have });
      words.push(`${sku} (requested ${quantity}, available ${have})`);
    }
  }
  if (shortages.length > 0) return { ok: false, reason: `out of stock: ${words.join(', ')}`, shortages };
  return { ok: true, lines };
}
