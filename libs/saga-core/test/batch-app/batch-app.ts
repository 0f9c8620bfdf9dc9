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
      await ctx.client.query('insert into tick_applied (key, seq, message_id) values ($1, $2, $3)', [
        tick.key,
        tick.seq,
        ctx.headers.messageId,
      ]);
    }
  }
  const runtime = new SagaflowRuntime({
    service: options.service,
    databaseUrl: options.databaseUrl,
    kafka: { brokers: options.brokers },
    codec: { kind: 'json' },
    catalog: [options.type],
    consumer: {
      retry: { attempts: 2, initialBackoff: '20ms', maxBackoff: '50ms' },
      sessionTimeout: options.sessionTimeout ?? '10s',
      heartbeatInterval: '1s',
    },
    deadlines: { enabled: false },
    logger: options.logger,
  });
  return {
    runtime,
    start: async () => {
      const pool = new Pool({ connectionString: options.databaseUrl, max: 1 });
      await pool.query(tickSchemaSql);
      await pool.end();
      await runtime.start({ participants: [new TickReaction()] });
    },
  };
}
