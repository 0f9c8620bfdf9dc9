import { Header, newMessageId, type MessageCodec } from '@sagaflow/outbox-relay';
import type { Kafka } from 'kafkajs';
import {
  DefinitionPublished,
  definitionsTopic,
  type DefinitionPublishedEvent,
} from '../lifecycle/definition-message';
import type { PublishedDefinition } from './published-definition';

/** What {@link readPublishedDefinitions} read. */
export interface PublishedDefinitionsRead {
  /** The newest definition per key. */
  definitions: PublishedDefinition[];
  /** False when the deadline (or a stop) came before every partition's end offset was reached. */
  complete: boolean;
  /** Records that could not be decoded or parsed (another codec, a damaged document). */
  unreadable: number;
}

/** Options of {@link readPublishedDefinitions}. */
export interface ReadPublishedDefinitionsOptions {
  /** Client id prefix of the throw-away consumer group. */
  clientId: string;
  /** How long to read before answering with what was read. */
  deadlineMs: number;
  /** Aborts the read (the runtime stops); answers with what was read. */
  signal?: AbortSignal;
}

/**
 * Reads the compacted `sagaflow.definitions` topic from the beginning up to the end offsets it had when
 * called: the newest document per key, as other services published them at their start-up.
 * The consumer belongs to a group of its own that commits nothing and is deleted afterwards, so the read
 * disturbs no service's group. Never throws for what it reads; a broker that cannot be reached throws.
 */
export async function readPublishedDefinitions(
  kafka: Kafka,
  codec: MessageCodec,
  options: ReadPublishedDefinitionsOptions,
): Promise<PublishedDefinitionsRead> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(definitionsTopic);
    // the last offset to reach per partition; partitions with nothing in them are done already
    const ends = new Map<number, bigint>();
    for (const o of offsets) if (BigInt(o.high) > BigInt(o.low)) ends.set(o.partition, BigInt(o.high) - 1n);
    const byKey = new Map<string, PublishedDefinition>();
    let unreadable = 0;
    if (ends.size === 0) return { definitions: [], complete: true, unreadable };

    const groupId = `${options.clientId}-definitions-${newMessageId()}`;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    let complete = false;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [definitionsTopic], fromBeginning: true });
      await new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', finish);
          resolve();
        };
        const timer = setTimeout(finish, options.deadlineMs);
        options.signal?.addEventListener('abort', finish, { once: true });
        if (options.signal?.aborted) return finish();
        void consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const key = message.key?.toString();
              const type = message.headers?.[Header.messageType]?.toString();
              if (key && message.value === null) byKey.delete(key);
              else if (key && message.value && type === DefinitionPublished.name) {
                const definition = await decode(codec, message.value);
                if (definition) byKey.set(key, definition);
                else unreadable++;
              }
              const end = ends.get(partition);
              if (end !== undefined && BigInt(message.offset) >= end) ends.delete(partition);
              if (ends.size === 0) {
                complete = true;
                finish();
              }
            },
          })
          .catch(finish);
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
      // nothing was committed; deleting the group only keeps the broker's group list clean
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return { definitions: [...byKey.values()], complete, unreadable };
  } finally {
    await admin.disconnect();
  }
}

async function decode(codec: MessageCodec, value: Buffer): Promise<PublishedDefinition | undefined> {
  try {
    const e = (await codec.decode(value, DefinitionPublished)) as DefinitionPublishedEvent;
    return { key: e.key, kind: e.kind, service: e.service, document: JSON.parse(e.document) as unknown };
  } catch {
    // written with another codec, or a damaged document: counted, not fatal
    return undefined;
  }
}
