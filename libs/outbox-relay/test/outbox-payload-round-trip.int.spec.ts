import { createDatabase, dropDatabase, uniqueDatabaseName, uniqueTopicName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  AvroRegistryCodec,
  defineMessage,
  ensureTopics,
  MessageValidationError,
  newMessageId,
  outboxMigrations,
  OutboxRelay,
  OutboxWriter,
  runMigrations,
  type MessageType,
} from '../src/index';
import { collectTopic } from './support/collect-topic';
import { memoryLogger } from './support/quiet-logger';

/** Every kind of Avro value, each bytes-like one able to hold 0x00. */
interface Everything {
  id: string;
  amount: Buffer; // decimal(12, 2): two's-complement unscaled value
  blob: Buffer;
  digest: Buffer; // fixed(4)
  status: 'NEW' | 'PAID';
  note: null | string | { text: string; raw: Buffer };
  tags: Record<string, Buffer>;
  lines: { sku: string; qty: number; price: Buffer; meta: Record<string, string> }[];
  nested: { inner: { flag: boolean; bits: Buffer; n: number } };
  label: string;
  ratio: number;
}

function everythingType(topic: string): MessageType<Everything> {
  const decimal = { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 };
  return defineMessage<Everything>({
    topic,
    kind: 'event',
    key: (e) => e.id,
    schema: {
      type: 'record',
      namespace: `spec.${topic.replace(/[^a-zA-Z0-9]/g, '_')}`,
      name: 'Everything',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'amount', type: decimal },
        { name: 'blob', type: 'bytes' },
        { name: 'digest', type: { type: 'fixed', name: 'Digest', size: 4 } },
        { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
        {
          name: 'note',
          type: [
            'null',
            'string',
            {
              type: 'record',
              name: 'Note',
              fields: [
                { name: 'text', type: 'string' },
                { name: 'raw', type: 'bytes' },
              ],
            },
          ],
        },
        { name: 'tags', type: { type: 'map', values: 'bytes' } },
        {
          name: 'lines',
          type: {
            type: 'array',
            items: {
              type: 'record',
              name: 'Line',
              fields: [
                { name: 'sku', type: 'string' },
                { name: 'qty', type: 'int' },
                { name: 'price', type: decimal },
                { name: 'meta', type: { type: 'map', values: 'string' } },
              ],
            },
          },
        },
        {
          name: 'nested',
          type: {
            type: 'record',
            name: 'Outer',
            fields: [
              {
                name: 'inner',
                type: {
                  type: 'record',
                  name: 'Inner',
                  fields: [
                    { name: 'flag', type: 'boolean' },
                    { name: 'bits', type: { type: 'fixed', name: 'Bits', size: 2 } },
                    { name: 'n', type: 'long' },
                  ],
                },
              },
            ],
          },
        },
        { name: 'label', type: 'string' },
        { name: 'ratio', type: 'double' },
      ],
    } as never,
  });
}

const bytes = (...b: number[]) => Buffer.from(b);
const samples = (id: string): Everything[] => [
  {
    id: `${id}-record-note`,
    amount: bytes(0x00, 0x00, 0x30, 0x39), // 123.45 with leading zero bytes
    blob: bytes(0, 1, 0, 255, 0),
    digest: bytes(0, 0, 0, 0),
    status: 'PAID',
    note: { text: 'raw\u0000text', raw: bytes(0) },
    tags: { 'k\u0000ey': bytes(0, 0), plain: bytes(7) },
    lines: [
      { sku: 'A-1', qty: 2, price: bytes(0x00, 0xff), meta: { '': '\u0000' } },
      { sku: 'B-2', qty: 0, price: bytes(0xff, 0x00), meta: {} },
    ],
    nested: { inner: { flag: true, bits: bytes(0, 0), n: 2 ** 40 } },
    label: 'the mark \uE000 before 0: \uE0000, before e: \uE000e, and a literal \\u0000',
    ratio: -0.5,
  },
  {
    id: `${id}-string-note`,
    amount: bytes(0xff, 0x00), // negative
    blob: Buffer.alloc(0),
    digest: bytes(1, 2, 3, 0),
    status: 'NEW',
    note: 'a string \u0000 note',
    tags: {},
    lines: [],
    nested: { inner: { flag: false, bits: bytes(0, 1), n: -1 } },
    label: '',
    ratio: 0,
  },
  {
    id: `${id}-no-note`,
    amount: bytes(0),
    blob: bytes(0),
    digest: bytes(9, 9, 9, 9),
    status: 'NEW',
    note: null,
    tags: { a: Buffer.alloc(0) },
    lines: [{ sku: 'C', qty: 1, price: bytes(1), meta: { a: 'b' } }],
    nested: { inner: { flag: true, bits: bytes(255, 255), n: 0 } },
    label: 'plain',
    ratio: 1e-300,
  },
];

describe('Nothing lost (guarantee 1): every Avro value round-trips through the outbox to the consumer', () => {
  const stack = inject('stack');
  const kafka = new Kafka({
    clientId: 'outbox-payload-spec',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const codec = new AvroRegistryCodec({ registryUrl: stack.schemaRegistryUrl });
  const writer = new OutboxWriter({ source: 'spec-service' });
  const databases: string[] = [];
  const relays: OutboxRelay[] = [];
  const pools: Pool[] = [];

  afterAll(async () => {
    for (const r of relays) await r.stop();
    for (const p of pools) await p.end();
    for (const d of databases) await dropDatabase(stack.databaseUrl, d);
  });

  async function database(
    label: string,
    migrations = outboxMigrations,
  ): Promise<{ url: string; pool: Pool }> {
    const name = uniqueDatabaseName(label);
    databases.push(name);
    const url = await createDatabase(stack.databaseUrl, name);
    await runMigrations(url, [migrations]);
    const pool = new Pool({ connectionString: url, max: 4 });
    pool.on('error', () => undefined);
    pools.push(pool);
    return { url, pool };
  }

  async function publishAndConsume(url: string, type: MessageType<Everything>, count: number) {
    const relay = new OutboxRelay({
      databaseUrl: url,
      brokers: stack.kafkaBrokers,
      codec: { kind: 'avro', registryUrl: stack.schemaRegistryUrl },
      catalog: [type],
      logger: memoryLogger(),
      metricsRegistry: new Registry(),
      createTopics: false,
      retentionMs: 60_000,
    });
    relays.push(relay);
    await relay.start();
    const consumer = await collectTopic(kafka, type.topic);
    try {
      await waitFor(() => consumer.records.length >= count, {
        timeoutMs: 30_000,
        description: `${count} records consumed from ${type.topic}`,
      });
      const out = new Map<string, unknown>();
      for (const r of consumer.records) out.set(r.key, await codec.decode(r.value, type));
      return out;
    } finally {
      await consumer.stop();
    }
  }

  it('decimal, bytes, fixed, enum, union, map, array and nested records holding 0x00 are written, published and decoded unchanged', async () => {
    const topic = uniqueTopicName('outbox.payload');
    const type = everythingType(topic);
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    const { url, pool } = await database('outbox_payload');
    const payloads = samples('p');
    const tx = await pool.connect();
    try {
      await tx.query('begin');
      await writer.append(
        tx,
        payloads.map((payload) => ({ type, payload, correlationId: payload.id })),
      );
      await tx.query('commit');
    } finally {
      tx.release();
    }
    // an operator still reads the pending messages in SQL
    const { rows } = await pool.query<{ id: string; status: string; sku: string | null }>(
      `select payload->>'id' as id, payload->>'status' as status, payload#>>'{lines,0,sku}' as sku
         from sagaflow.outbox o order by o.id`,
    );
    expect(rows).toEqual(payloads.map((p) => ({ id: p.id, status: p.status, sku: p.lines[0]?.sku ?? null })));
    const consumed = await publishAndConsume(url, type, payloads.length);
    for (const p of payloads) expect(consumed.get(p.id), p.id).toEqual(p);
  });

  it('a double JSON cannot carry (NaN) is refused by the writer naming the field, in the business transaction', async () => {
    const type = everythingType(uniqueTopicName('outbox.payload.nan'));
    const { pool } = await database('outbox_payload_nan');
    const [bad] = samples('nan');
    const tx = await pool.connect();
    try {
      await tx.query('begin');
      const error = await writer
        .append(tx, { type, payload: { ...bad!, ratio: Number.NaN }, correlationId: 'c' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MessageValidationError);
      expect((error as MessageValidationError).fields).toEqual(['payload.ratio']);
      await tx.query('rollback');
    } finally {
      tx.release();
    }
  });

  it('a pending row an older writer stored with the mark character is published as written, after migration 3 on that database', async () => {
    const topic = uniqueTopicName('outbox.payload.old');
    const type = everythingType(topic);
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    // the database as the previous release left it: migrations 1 and 2, and rows in the old form
    const before = {
      ...outboxMigrations,
      migrations: outboxMigrations.migrations.filter((m) => m.version < 3),
    };
    const { url, pool } = await database('outbox_payload_old', before);
    // an older writer could store only payloads without NUL; one of them holds the mark character
    const plain: Everything = {
      id: 'old-plain',
      amount: bytes(0x30, 0x39),
      blob: bytes(1),
      digest: bytes(1, 2, 3, 4),
      status: 'NEW',
      note: 'n',
      tags: { k: bytes(2) },
      lines: [],
      nested: { inner: { flag: true, bits: bytes(1, 2), n: 3 } },
      label: 'plain',
      ratio: 1,
    };
    const rows = [plain, { ...plain, id: 'old-mark', label: 'old \uE0000 and \uE000e and \uE000' }];
    for (const p of rows) {
      await pool.query(
        `insert into sagaflow.outbox (message_id, topic, message_key, message_type, payload, correlation_id, source, occurred_at)
         values ($1, $2, $3, $4, $5::jsonb, $6, 'old-writer', now())`,
        [newMessageId(), topic, p.id, type.name, type.avroType.toString(p), p.id],
      );
    }
    await runMigrations(url, [outboxMigrations]);
    const consumed = await publishAndConsume(url, type, rows.length);
    for (const p of rows) expect(consumed.get(p.id), p.id).toEqual(p);
  });
});
