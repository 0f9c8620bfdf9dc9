import { Pool } from 'pg';

/** What a run seeded and whose orders it placed: the scope the invariants are checked over. */
export interface LedgerScope {
  /** Units seeded per SKU. */
  seededStock: Readonly<Record<string, number>>;
  /** Customers whose orders and accounts are checked. */
  customers: readonly string[];
}

/** Created → terminal latency of ended orders, and how many were rejected for a timeout. */
export interface OrderLatency {
  orders: number;
  p50Ms: number;
  p99Ms: number;
  timeouts: number;
}

/** Orders per status, and rejected ones per reason. */
export interface OrderTally {
  byStatus: Record<string, number>;
  rejectedByReason: Record<string, number>;
}

/**
 * The three services' databases read from outside, as an auditor would: orders, stock and accounts.
 * The invariants are the system's promises after every saga ended, checked across services.
 */
export class SystemLedger {
  private readonly orders: Pool;
  private readonly inventory: Pool;
  private readonly payment: Pool;

  constructor(urls: { order: string; inventory: string; payment: string }) {
    this.orders = new Pool({ connectionString: urls.order, max: 2 });
    this.inventory = new Pool({ connectionString: urls.inventory, max: 2 });
    this.payment = new Pool({ connectionString: urls.payment, max: 2 });
  }

  /** How many of `customers`' orders are still PENDING (all orders when omitted). */
  async pending(customers?: readonly string[]): Promise<number> {
    const r = await this.orders.query<{ n: string }>(
      /* sql */ `select count(*) as n from orders.customer_order
                 where status = 'PENDING' and ($1::text[] is null or customer_id = any($1))`,
      [customers ?? null],
    );
    return Number(r.rows[0]!.n);
  }

  /**
   * Orders per status, and rejections per reason with the specifics (SKUs, amounts, milliseconds) cut,
   * so `out of stock: SKU-7 (requested 3, available 1)` counts as `out of stock`.
   */
  async tally(customers?: readonly string[]): Promise<OrderTally> {
    const r = await this.orders.query<{ status: string; reason: string | null; n: string }>(
      /* sql */ `select status, reason, count(*) as n from orders.customer_order
                 where $1::text[] is null or customer_id = any($1) group by status, reason`,
      [customers ?? null],
    );
    const tally: OrderTally = { byStatus: {}, rejectedByReason: {} };
    for (const row of r.rows) {
      tally.byStatus[row.status] = (tally.byStatus[row.status] ?? 0) + Number(row.n);
      if (row.status === 'REJECTED') {
        const reason = reasonKind(row.reason);
        tally.rejectedByReason[reason] = (tally.rejectedByReason[reason] ?? 0) + Number(row.n);
      }
    }
    return tally;
  }

  /**
   * How long orders took from `created_at` (the POST's transaction) to their terminal status (the
   * transaction that set it), over the ended orders of every customer but `exclude`, and how many of them
   * were rejected for a timeout.
   */
  async latency(exclude: readonly string[] = []): Promise<OrderLatency> {
    const r = await this.orders.query<{
      n: string;
      p50: number | null;
      p99: number | null;
      timeouts: string;
    }>(
      /* sql */ `select count(*) as n,
                        percentile_cont(0.5) within group (order by extract(epoch from updated_at - created_at)) * 1000 as p50,
                        percentile_cont(0.99) within group (order by extract(epoch from updated_at - created_at)) * 1000 as p99,
                        count(*) filter (where status = 'REJECTED' and reason like 'timed out%') as timeouts
                   from orders.customer_order
                  where status in ('APPROVED', 'REJECTED') and not (customer_id = any($1::text[]))`,
      [exclude],
    );
    const row = r.rows[0]!;
    return {
      orders: Number(row.n),
      p50Ms: row.p50 ?? NaN,
      p99Ms: row.p99 ?? NaN,
      timeouts: Number(row.timeouts),
    };
  }

  /**
   * The violated invariants over `scope` (empty when all hold):
   * - no order left PENDING;
   * - stock conserved: per SKU, available + reserved = seeded;
   * - what is reserved is what approved orders hold: per SKU, reserved = Σ quantity of APPROVED orders' lines;
   * - money: per customer, charged − refunded = Σ total of APPROVED orders.
   */
  async violations(scope: LedgerScope): Promise<string[]> {
    const skus = Object.keys(scope.seededStock);
    const [pending, stock, approvedUnits, accounts, approvedMoney] = await Promise.all([
      this.pending(scope.customers),
      this.inventory.query<{ sku: string; available: number; reserved: number }>(
        /* sql */ `select sku, available, reserved from inventory.stock where sku = any($1)`,
        [skus],
      ),
      this.orders.query<{ sku: string; units: string }>(
        /* sql */ `select l.sku, sum(l.quantity) as units from orders.order_line l
                   join orders.customer_order o using (order_id)
                   where o.status = 'APPROVED' and l.sku = any($1) group by l.sku`,
        [skus],
      ),
      this.payment.query<{ customer_id: string; charged: string; refunded: string }>(
        /* sql */ `select customer_id, charged, refunded from payment.account where customer_id = any($1)`,
        [scope.customers],
      ),
      this.orders.query<{ customer_id: string; total: string }>(
        /* sql */ `select customer_id, sum(total) as total from orders.customer_order
                   where status = 'APPROVED' and customer_id = any($1) group by customer_id`,
        [scope.customers],
      ),
    ]);
    const faults: string[] = [];
    if (pending > 0) faults.push(`${pending} order(s) still PENDING`);
    const units = new Map(approvedUnits.rows.map((r) => [r.sku, Number(r.units)]));
    const rows = new Map(stock.rows.map((r) => [r.sku, r]));
    for (const sku of skus) {
      const row = rows.get(sku);
      if (!row) {
        faults.push(`SKU ${sku}: no stock row`);
        continue;
      }
      if (row.available + row.reserved !== scope.seededStock[sku])
        faults.push(
          `SKU ${sku}: available ${row.available} + reserved ${row.reserved} ≠ seeded ${scope.seededStock[sku]}`,
        );
      if (row.reserved !== (units.get(sku) ?? 0))
        faults.push(`SKU ${sku}: reserved ${row.reserved} ≠ ${units.get(sku) ?? 0} units of approved orders`);
    }
    const owed = new Map(approvedMoney.rows.map((r) => [r.customer_id, Number(r.total)]));
    const byCustomer = new Map(accounts.rows.map((r) => [r.customer_id, r]));
    for (const customer of scope.customers) {
      const a = byCustomer.get(customer);
      const net = a ? Number(a.charged) - Number(a.refunded) : 0;
      if (net !== (owed.get(customer) ?? 0))
        faults.push(
          `customer ${customer}: charged − refunded = ${net} ≠ ${owed.get(customer) ?? 0} (approved orders' totals)`,
        );
    }
    return faults;
  }

  /** Closes the pools. */
  async close(): Promise<void> {
    await Promise.all([this.orders.end(), this.inventory.end(), this.payment.end()]);
  }
}

/** A rejection reason without its specifics: the words before the first `:` or `(`. */
export function reasonKind(reason: string | null): string {
  if (!reason) return 'no reason given';
  return reason.split(/[:(]/)[0]!.trim();
}
