import type { StackEndpoints } from '@sagaflow/stack';
import { orderMigrations, orderSchema } from '../../src/orders/order-migrations';
import { createServiceTestDatabase, type ServiceTestDatabase } from '@sagaflow/service-kit/testing';

/** A database of its own with order-service's tables, for one suite. */
export function createOrderTestDb(stack: StackEndpoints, prefix: string): Promise<ServiceTestDatabase> {
  return createServiceTestDatabase(stack.databaseUrl, prefix, orderSchema, orderMigrations);
}

/** A message emitted through a recording context. */
export interface Emitted {
  type: string;
  payload: unknown;
  correlationId?: string;
}
