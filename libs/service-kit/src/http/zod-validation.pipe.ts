import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/**
 * Validates a body or path parameter with a zod schema. A bad value is a 400 whose message names the
 * field and the rule (`items.0.quantity: must be an integer ≥ 1`), and whose `fields` lists every field at fault.
 * @param where prefix for path parameters, e.g. `sku`, so the message names the parameter
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly where?: string,
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const faults = result.error.issues.map((issue) => {
      const path = [this.where, ...issue.path.map(String)]
        .filter((p) => p !== undefined && p !== '')
        .join('.');
      return { field: path || '(body)', message: issue.message };
    });
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: faults.map((f) => `${f.field}: ${f.message}`).join('; '),
      fields: faults,
    });
  }
}
