import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { newMessageId, type MessageHeaders, type MessageType } from '@sagaflow/outbox-relay';
import { SagaflowTransactions, type MessageContext, type TransactionScope } from '@sagaflow/saga-core';
import { DatabaseModule } from '@sagaflow/service-kit';
import { createServiceTestDatabase, type ServiceTestDatabase } from '@sagaflow/service-kit/testing';
import type { StackEndpoints } from '@sagaflow/stack';
import { orderMigrations, orderSchema } from '../../src/orders/order-migrations';
import { OrdersController } from '../../src/orders/orders.controller';

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

/**
 * Runs a message handler as the runtime does (one transaction of `db`), with an `emit` that validates
 * and records instead of writing the outbox: what reaches Kafka is saga-core's job and is tested there.
 */
export function deliverRecorded(
  db: ServiceTestDatabase,
  record: (e: Emitted) => void,
  handle: (ctx: MessageContext) => Promise<void>,
): Promise<void> {
  return db.inTx(async (client) => {
    const headers: MessageHeaders = {
      messageId: newMessageId(),
      messageType: 'test',
      correlationId: 'corr',
      source: 'test',
      occurredAt: new Date().toISOString(),
      contentType: 'application/json',
    };
    await handle({
      headers,
      now: new Date(),
      client,
      emit: async <T>(type: MessageType<T>, payload: T) => {
        type.validate(payload);
        record({ type: type.name, payload });
        return newMessageId();
      },
    });
  });
}

/** A SagaflowTransactions stand-in for HTTP handlers: real transactions on `db`, emits recorded. */
export function recordingTransactions(db: ServiceTestDatabase, record: (e: Emitted) => void) {
  return {
    run: <T>(fn: (tx: TransactionScope) => Promise<T>, options: { correlationId?: string } = {}) =>
      db.inTx((client) =>
        fn({
          client,
          correlationId: options.correlationId ?? 'generated',
          emit: async <P>(type: MessageType<P>, payload: P, opts: { correlationId?: string } = {}) => {
            type.validate(payload);
            record({ type: type.name, payload, correlationId: opts.correlationId ?? options.correlationId });
            return newMessageId();
          },
        }),
      ),
  };
}

/** The orders HTTP API on `db`, listening on a free port; resolves with the app and its base URL. */
export async function startOrdersApp(
  db: ServiceTestDatabase,
  record: (e: Emitted) => void,
): Promise<{ app: INestApplication; base: string }> {
  const moduleRef = await Test.createTestingModule({
    imports: [DatabaseModule.forRoot({ url: db.url, schema: orderSchema, migrations: orderMigrations })],
    controllers: [OrdersController],
    providers: [{ provide: SagaflowTransactions, useValue: recordingTransactions(db, record) }],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, base: await app.getUrl() };
}
