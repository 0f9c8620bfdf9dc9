import { Body, Controller, Get, Inject, NotFoundException, Param, Put } from '@nestjs/common';
import { Pool } from 'pg';
import { z } from 'zod';
import { PG_POOL, ZodValidationPipe } from '@sagaflow/service-kit';

/** A customer id as a path parameter. */
export const customerIdParam = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores');

/** Body of `PUT /accounts/:customerId`: the credit limit in cents. */
export const accountBody = z.strictObject({
  creditLimit: z
    .number('must be a number of cents')
    .int('must be an integer number of cents')
    .min(0, 'must be ≥ 0')
    .max(Number.MAX_SAFE_INTEGER, 'is too large'),
});

/** What `GET /accounts/:customerId` answers (cents). */
export interface AccountView {
  customerId: string;
  creditLimit: number;
  /** Everything ever charged. */
  charged: number;
  /** Everything ever refunded; `charged − refunded` is what the customer owes. */
  refunded: number;
  /** Credit left: `creditLimit − (charged − refunded)`. */
  available: number;
}

const select = /* sql */ `customer_id, credit_limit, charged, refunded`;
type Row = { customer_id: string; credit_limit: string; charged: string; refunded: string };
const view = (r: Row): AccountView => ({
  customerId: r.customer_id,
  creditLimit: Number(r.credit_limit),
  charged: Number(r.charged),
  refunded: Number(r.refunded),
  available: Number(r.credit_limit) - (Number(r.charged) - Number(r.refunded)),
});

/** Opening and reading accounts. Charges and refunds only happen through the saga's commands. */
@Controller('accounts')
export class AccountsController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Opens the account or sets its credit limit; what was charged stays. */
  @Put(':customerId')
  async upsert(
    @Param('customerId', new ZodValidationPipe(customerIdParam, 'customerId')) customerId: string,
    @Body(new ZodValidationPipe(accountBody)) body: z.output<typeof accountBody>,
  ): Promise<AccountView> {
    const r = await this.pool.query<Row>(
      /* sql */ `insert into payment.account (customer_id, credit_limit) values ($1, $2)
                 on conflict (customer_id) do update set credit_limit = excluded.credit_limit, updated_at = now()
                 returning ${select}`,
      [customerId, body.creditLimit],
    );
    return view(r.rows[0]!);
  }

  @Get(':customerId')
  async get(
    @Param('customerId', new ZodValidationPipe(customerIdParam, 'customerId')) customerId: string,
  ): Promise<AccountView> {
    const r = await this.pool.query<Row>(
      /* sql */ `select ${select} from payment.account where customer_id = $1`,
      [customerId],
    );
    if (!r.rows[0]) throw new NotFoundException(`no account for customer ${customerId}`);
    return view(r.rows[0]);
  }
}
