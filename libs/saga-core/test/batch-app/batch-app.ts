import {
  defineMessage,
  toKafkaHeaders,
  newMessageId,
  ContentType,
  type MessageType,
} from '@sagaflow/outbox-relay';
import type { Message } from 'kafkajs';
import { Pool } from 'pg';
import {
  OnEvent,
  SagaflowRuntime,
  type Duration,
  type MessageContext,
  type SagaflowConfig,
  type SagaflowLogger,
} from '../../src/index';

/** One event of the batch suites: `seq` orders one key's events; `poison` makes the reaction fail every time. */
export interface Tick {
  key: string;
  seq: number;
  poison: boolean;
}

/** The suite's event type on its own topic. */
export function tickType(topic: string): MessageType<Tick> {
  return defineMessage<Tick>({
    topic,
    kind: 'event',
    key: (t) => t.key,
    schema: {
      type: 'record',
      name: 'Tick',
      namespace: 'batchspec',
      fields: [
        { name: 'key', type: 'string' },
        { name: 'seq', type: 'int' },
        { name: 'poison', type: 'boolean' },
      ],
    },
  });
}

/** The reaction's own table: one row per tick applied, in the order applied. */
export const tickSchemaSql = /* sql */ `
  create table if not exists tick_applied (
    n bigserial primary key, key text not null, seq int not null, message_id uuid not null
  )`;

/** A Kafka record of `tick` as a relay would publish it (JSON codec), with the contract headers. */
export function tickRecord(type: MessageType<Tick>, tick: Tick, messageId = newMessageId()): Message {
  return {
    key: tick.key,
    value: Buffer.from(JSON.stringify(tick)),
    headers: toKafkaHeaders({
      messageId,
      messageType: type.name,
      correlationId: `flow-${tick.key}`,
      source: 'batch-spec',
      occurredAt: new Date().toISOString(),
      contentType: ContentType.json,
    }),
  };
}

/** Records a tick as applied, in the handler's transaction. */
export async function recordTick(ctx: MessageContext, tick: Tick): Promise<void> {
  await ctx.client.query('insert into tick_applied (key, seq, message_id) values ($1, $2, $3)', [
    tick.key,
    tick.seq,
    ctx.headers.messageId,
  ]);
}

/** Creates the reaction's table in the service's database. */
export async function createTickTable(databaseUrl: string): Promise<void> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await pool.query(tickSchemaSql);
  } finally {
    await pool.end();
  }
}

/**
 * A runtime of the batch suites: the JSON codec, no deadlines, and `consumer` over the suites' defaults
 * (two attempts 20–50 ms apart, a 10 s session, a 1 s heartbeat).
 */
export function tickRuntime(options: {
  service: string;
  databaseUrl: string;
  brokers: string[];
  type: MessageType<Tick>;
  logger: SagaflowLogger;
  consumer?: SagaflowConfig['consumer'];
  clientId?: string;
  relay?: SagaflowConfig['relay'];
}): SagaflowRuntime {
  return new SagaflowRuntime({
    service: options.service,
    databaseUrl: options.databaseUrl,
    kafka: {
      brokers: options.brokers,
      ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
    },
    codec: { kind: 'json' },
    catalog: [options.type],
    consumer: {
      retry: { attempts: 2, initialBackoff: '20ms', maxBackoff: '50ms' },
      sessionTimeout: '10s',
      heartbeatInterval: '1s',
      ...options.consumer,
    },
    deadlines: { enabled: false },
    ...(options.relay === undefined ? {} : { relay: options.relay }),
    logger: options.logger,
  });
}

/** A service with one reaction that records each tick and throws on a poison one. */
export function tickService(options: {
  service: string;
  databaseUrl: string;
  brokers: string[];
  type: MessageType<Tick>;
  logger: SagaflowLogger;
  /** The consumer's session (default 10 s): how long its group waits for it after a kill -9. */
  sessionTimeout?: Duration;
}): { runtime: SagaflowRuntime; start: () => Promise<void> } {
  class TickReaction {
    @OnEvent(options.type)
    async apply(tick: Tick, ctx: MessageContext): Promise<void> {
      if (tick.poison) throw new Error(`tick ${tick.key}/${tick.seq} is poison`);
      await recordTick(ctx, tick);
    }
  }
  const runtime = tickRuntime({
    ...options,
    ...(options.sessionTimeout === undefined ? {} : { consumer: { sessionTimeout: options.sessionTimeout } }),
  });
  return {
    runtime,
    start: async () => {
      await createTickTable(options.databaseUrl);
      await runtime.start({ participants: [new TickReaction()] });
    },
  };
}
