import { Body, Controller, Get, Inject, NotFoundException, Param, Put } from '@nestjs/common';
import { Pool } from 'pg';
import { z } from 'zod';
import { PG_POOL, ZodValidationPipe } from '@sagaflow/service-kit';

/** A SKU as a path parameter. */
export const skuParam = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores');

/** Body of `PUT /stock/:sku`. */
export const seedStockBody = z.strictObject({
  quantity: z
    .number('must be a number')
    .int('must be an integer')
    .min(0, 'must be ≥ 0')
    .max(1_000_000_000, 'must be ≤ 1000000000'),
});

/** What `GET /stock/:sku` answers. */
export interface StockView {
  sku: string;
  /** Units that can still be reserved. */
  available: number;
  /** Units held by orders' reservations. */
  reserved: number;
}

/** Seeding and reading stock. Reservations only change through the saga's commands. */
@Controller('stock')
export class StockController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Sets the units available for `sku` (creating it); units held by reservations stay held. */
  @Put(':sku')
  async seed(
    @Param('sku', new ZodValidationPipe(skuParam, 'sku')) sku: string,
    @Body(new ZodValidationPipe(seedStockBody)) body: z.output<typeof seedStockBody>,
  ): Promise<StockView> {
    const r = await this.pool.query<StockView>(
      /* sql */ `insert into inventory.stock (sku, available) values ($1, $2)
                 on conflict (sku) do update set available = excluded.available, updated_at = now()
                 returning sku, available, reserved`,
      [sku, body.quantity],
    );
    return r.rows[0]!;
  }

  @Get(':sku')
  async get(@Param('sku', new ZodValidationPipe(skuParam, 'sku')) sku: string): Promise<StockView> {
    const r = await this.pool.query<StockView>(
      /* sql */ `select sku, available, reserved from inventory.stock where sku = $1`,
      [sku],
    );
    if (!r.rows[0]) throw new NotFoundException(`no stock record for SKU ${sku}`);
    return r.rows[0];
  }
}
