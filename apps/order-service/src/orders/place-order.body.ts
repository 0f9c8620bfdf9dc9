import { z } from 'zod';

const id = z
  .string('must be a string')
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores');

/** Body of `POST /orders`. Prices are integer cents; unknown fields are refused, so a typo is not silently ignored. */
export const placeOrderBody = z.strictObject({
  customerId: id,
  items: z
    .array(
      z.strictObject({
        sku: id,
        quantity: z
          .number('must be a number')
          .int('must be an integer')
          .min(1, 'must be ≥ 1')
          .max(10_000, 'must be ≤ 10000'),
        unitPrice: z
          .number('must be a number of cents')
          .int('must be an integer number of cents')
          .min(1, 'must be ≥ 1 cent')
          .max(100_000_000, 'must be ≤ 100000000 cents'),
      }),
      'must be an array of {sku, quantity, unitPrice}',
    )
    .min(1, 'must hold at least one line')
    .max(100, 'must hold at most 100 lines'),
});

/** A validated `POST /orders` body. */
export type PlaceOrderBody = z.output<typeof placeOrderBody>;

/** An order id as a path parameter: the UUID `POST /orders` returned. */
export const orderIdParam = z.uuid('must be a UUID');
