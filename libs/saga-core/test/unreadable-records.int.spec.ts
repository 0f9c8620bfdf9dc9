import {
  AvroRegistryCodec,
  ContentType,
  DeadLetterHeader,
  Header,
  newMessageId,
} from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SagaflowRuntime } from '../src/index';
import { effectsOf } from './sample-app/participant';
import { startParticipantService } from './sample-app/services';
import './support/provided-context';
import { createSampleSuite, newOrderId, readTopic, type SampleSuite } from './support/sample-suite';

// Issue 11 item 20: a record without the contract headers, or whose value cannot be decoded, can never be
// handled however often it is tried. Each goes to `<topic>.dlt` with the reason, and the records after it
// on the same partition are handled as if it had not been there.
describe('unreadable records are dead-lettered and the partition goes on', () => {
  const stack = inject('stack');
  let suite: SampleSuite;
  let participant: SagaflowRuntime;
  let producer: Producer;
  const readers: Consumer[] = [];

  beforeAll(async () => {
    suite = await createSampleSuite(stack, 'unreadable');
    participant = await startParticipantService(suite.env);
    producer = suite.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  afterAll(async () => {
    for (const r of readers) await r.disconnect();
    await producer?.disconnect();
    await participant?.stop();
    await suite?.teardown();
  });

  it('a record without headers, one not in the wire format and one of an unknown schema go to the DLT; the next record is applied', async () => {
    const type = suite.contracts.ReserveStock;
    const headers = (messageId: string, correlationId: string) => ({
      [Header.messageId]: messageId,
      [Header.messageType]: type.name,
      [Header.correlationId]: correlationId,
      [Header.source]: 'unreadable-spec',
      [Header.occurredAt]: new Date().toISOString(),
      [Header.contentType]: ContentType.avro,
    });
    const orderId = newOrderId('after-unreadable');
    const codec = new AvroRegistryCodec({ registryUrl: stack.schemaRegistryUrl });
    const ids = { wire: newMessageId(), schema: newMessageId(), good: newMessageId() };
    await producer.send({
      topic: type.topic,
      acks: -1,
      messages: [
        { key: orderId, value: Buffer.from('a record from a client that knows no contract') },
        { key: orderId, value: Buffer.from('{"orderId":"x"}'), headers: headers(ids.wire, orderId) },
        // magic byte, then a schema id the registry never issued
        {
          key: orderId,
          value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2, 0x78]),
          headers: headers(ids.schema, orderId),
        },
        {
          key: orderId,
          value: await codec.encode(type, { orderId, amount: 100, scenario: 'ok' }),
          headers: headers(ids.good, orderId),
        },
      ],
    });

    const dead = await readTopic(suite, readers, `${type.topic}.dlt`, (r) => r.length >= 3);
    const h = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
    expect(dead.map((m) => h(m, DeadLetterHeader.originalOffset))).toEqual(['0', '1', '2']);
    expect(h(dead[0]!, DeadLetterHeader.errorCode)).toBe('MESSAGE_INVALID');
    expect(h(dead[0]!, DeadLetterHeader.errorMessage)).toMatch(/record misses the headers message-id, /);
    expect(h(dead[1]!, Header.messageId)).toBe(ids.wire);
    expect(h(dead[1]!, DeadLetterHeader.errorCode)).toBe('CODEC_FAILED');
    expect(h(dead[1]!, DeadLetterHeader.errorMessage)).toMatch(/not in the Confluent wire format/);
    expect(h(dead[2]!, Header.messageId)).toBe(ids.schema);
    expect(h(dead[2]!, DeadLetterHeader.errorMessage)).toMatch(/2147483632|schema/i);
    // the original value and key travel with the dead letter, for an operator to inspect or retry
    expect(dead[1]!.value?.toString()).toBe('{"orderId":"x"}');
    expect(dead.every((m) => m.key?.toString() === orderId)).toBe(true);

    await waitFor(async () => (await effectsOf(suite.participantDb, orderId)).includes('reserve'), {
      timeoutMs: 30_000,
      description: 'the record after the unreadable ones to be applied',
    });
    // and the group's offset moved past all four: a restart would not see them again
    const admin = suite.kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const [offsets] = await admin.fetchOffsets({
            groupId: `${suite.env.id}-participant`,
            topics: [type.topic],
          });
          return offsets!.partitions[0]!.offset === '4';
        },
        { timeoutMs: 30_000, description: 'the participant group committed offset 4' },
      );
    } finally {
      await admin.disconnect();
    }
  });
});
