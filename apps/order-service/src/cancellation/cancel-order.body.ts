import { z } from 'zod';

/** Body of `POST /orders/:id/cancel`: optional, with the customer's reason; unknown fields are refused. */
export const cancelOrderBody = z
  .strictObject({
    reason: z
      .string('must be a string')
      .trim()
      .min(1, 'must not be empty')
      .max(500, 'must be at most 500 characters')
      .optional(),
  })
  .optional();

/** A validated cancel body (undefined when none was sent). */
export type CancelOrderBody = z.output<typeof cancelOrderBody>;
