import type { MessageCodec, MessageHeaders, PreparedOutboxEntry } from '@sagaflow/outbox-relay';
import type { IncomingMessage } from '../engine/saga-outcome';
import type { ApplyResult, RecordConsumer } from '../runtime/record-consumer';
import { inboxKey, recordInboxAndLoad } from '../store/record-inbox-and-load';
import type { RecentIds } from './recent-ids';
import type { ConsumingTransaction } from './consuming-transaction';

/** One message a consumer applied (or found applied) in process, for the report after the commit. */
export interface DeliveredInProcess {
  message: IncomingMessage;
  consumer: RecordConsumer;
  result: ApplyResult | 'duplicate';
}

/** What in-process delivery needs: the service's consumers and how its Kafka records are encoded. */
export interface InProcessDelivery {
  /** The service name, the `source` header of what it emits. */
  service: string;
  /** The service's inbox consumers by message full name. */
  consumers: ReadonlyMap<string, readonly RecordConsumer[]>;
  /** The service's codec: a message applied in process has the value its Kafka copy will decode to. */
  codec: MessageCodec;
  /** The ids of the messages applied in process lately, whose Kafka copies are passed over. */
  applied: RecentIds;
  /** Called after the commit of a transaction that applied messages in process. Must not throw. */
  report(delivered: readonly DeliveredInProcess[]): void;
  /** Called when a message failed in process and is left to Kafka. Must not throw. */
  fellBack(failure: InProcessDeliveryFailed): void;
}

/**
 * How many messages deep one transaction follows what its in-process deliveries emit. Deeper messages go
 * through Kafka only, so a reaction loop inside one service cannot grow a transaction without end.
 */
export const maxInProcessDepth = 8;

/**
 * A consumer failed on a message delivered in process. Never leaves {@link applyTogether}: the transaction
 * is replayed delivering nothing in process, so the message meets its failure, retries and dead letter
 * through Kafka, on its own, as if it had never been delivered early.
 */
export class InProcessDeliveryFailed extends Error {
  constructor(
    readonly messageId: string,
    readonly consumer: string,
    readonly error: unknown,
  ) {
    super(`${consumer} failed on message ${messageId} delivered in process`);
  }
}

/**
 * Applies, inside `tx`, the entries a transaction's consumers emitted to this service's own consumers
 * that want them, each once (its inbox row is written here, so the Kafka copy is a duplicate), then what
 * those emit in turn, one level at a time (one inbox statement per level), up to {@link maxInProcessDepth}. The entries stay in the outbox: other services, and the
 * monitor, get them from Kafka as before.
 * @throws InProcessDeliveryFailed naming the message and consumer when a consumer throws.
 */
export async function deliverInProcess(
  tx: ConsumingTransaction,
  d: InProcessDelivery,
  entries: readonly PreparedOutboxEntry[],
  now: Date,
  delivered: DeliveredInProcess[],
  depth = 1,
): Promise<void> {
  const wanted: { message: IncomingMessage; consumers: RecordConsumer[] }[] = [];
  for (const e of entries) {
    const consumers = d.consumers.get(e.entry.type.name);
    if (!consumers) continue;
    let message: IncomingMessage;
    try {
      message = await asConsumed(e, d, now);
    } catch (error) {
      throw new InProcessDeliveryFailed(e.entry.messageId!, 'codec', error);
    }
    const accepting = consumers.filter((c) => !c.accepts || c.accepts(message));
    if (accepting.length > 0) wanted.push({ message, consumers: accepting });
  }
  if (wanted.length === 0) return;
  const pairs = wanted.flatMap((w) => w.consumers.flatMap((c) => c.instanceOf?.(w.message) ?? []));
  const { fresh, instances } = await recordInboxAndLoad(
    tx.client,
    wanted.flatMap((w) =>
      w.consumers.map((c) => ({
        consumer: c.name,
        messageId: w.message.headers.messageId,
        messageType: w.message.type,
      })),
    ),
    pairs,
  );
  tx.preloaded(pairs, instances);
  const mark = tx.emittedCount;
  for (const { message, consumers } of wanted) {
    for (const consumer of consumers) {
      // a re-sent step command keeps its message-id: the first copy may have been applied already
      if (!fresh.has(inboxKey(consumer.name, message.headers.messageId))) {
        delivered.push({ message, consumer, result: 'duplicate' });
        continue;
      }
      let result: ApplyResult;
      try {
        result = await consumer.apply(tx, message, now);
      } catch (error) {
        throw new InProcessDeliveryFailed(message.headers.messageId, consumer.name, error);
      }
      delivered.push({ message, consumer, result });
    }
  }
  // one level at a time: what this level emitted is delivered together, with one inbox statement
  if (depth < maxInProcessDepth)
    await deliverInProcess(tx, d, tx.emittedSince(mark), now, delivered, depth + 1);
}

/** The message as a consumer will read its Kafka record: the relay's and the codec's round trip. */
async function asConsumed(e: PreparedOutboxEntry, d: InProcessDelivery, now: Date): Promise<IncomingMessage> {
  const { entry } = e;
  const type = entry.type;
  const headers: MessageHeaders = {
    messageId: entry.messageId!,
    messageType: type.name,
    correlationId: entry.correlationId,
    source: d.service,
    occurredAt: (entry.occurredAt ?? now).toISOString(),
    contentType: d.codec.contentType,
  };
  if (entry.causationId !== undefined) headers.causationId = entry.causationId;
  if (entry.sagaType !== undefined) headers.sagaType = entry.sagaType;
  if (entry.traceparent !== undefined) headers.traceparent = entry.traceparent;
  // the outbox keeps Avro's JSON form and the relay encodes what it reads back: do the same here
  const stored = type.avroType.fromString(type.avroType.toString(entry.payload));
  const payload = await d.codec.decode(await d.codec.encode(type, stored), type);
  return { type: type.name, payload, headers };
}
