import type { Message } from 'kafkajs';
import type { MessageCodec } from '../codec/message-codec';
import { SagaflowError } from '../errors/sagaflow-error';
import { toKafkaHeaders } from '../message/headers';
import type { MessageCatalog } from '../message/message-catalog';
import { fromOutboxJson } from '../writer/outbox-payload';
import type { OutboxRow } from './outbox-row';

/** A row ready to send. */
export interface EncodedMessage {
  row: OutboxRow;
  message: Message;
}

/** What a batch turned into: records to send, rows to set aside, rows held back behind those. */
export interface EncodedBatch {
  messages: EncodedMessage[];
  setAside: { row: OutboxRow; error: SagaflowError }[];
  heldBack: OutboxRow[];
}

/**
 * Encodes rows into Kafka records with the contract headers. A row that can never be encoded (unknown
 * type, payload or schema refused) is set aside, and later rows of its key in this batch are held back
 * with it, so nothing of that key overtakes it.
 * @throws SagaflowError (retriable) when the registry is unreachable: the whole batch waits.
 */
export async function encodeBatch(
  rows: readonly OutboxRow[],
  catalog: MessageCatalog,
  codec: MessageCodec,
): Promise<EncodedBatch> {
  const out: EncodedBatch = { messages: [], setAside: [], heldBack: [] };
  const blocked = new Set<string>();
  for (const row of rows) {
    const keyId = `${row.topic}\u0000${row.key}`;
    if (blocked.has(keyId)) {
      out.heldBack.push(row);
      continue;
    }
    try {
      out.messages.push({ row, message: await encodeRow(row, catalog, codec) });
    } catch (error) {
      const failure = asSagaflowError(error, row);
      if (failure.retriable) throw failure;
      blocked.add(keyId);
      out.setAside.push({ row, error: failure });
    }
  }
  return out;
}

async function encodeRow(row: OutboxRow, catalog: MessageCatalog, codec: MessageCodec): Promise<Message> {
  const type = catalog.get(row.messageType);
  if (type.topic !== row.topic) {
    throw new SagaflowError(
      'CODEC_FAILED',
      `outbox row ${row.id}: ${row.messageType} belongs on topic ${type.topic}, the row says ${row.topic}`,
    );
  }
  let payload: unknown;
  try {
    payload = fromOutboxJson(type.avroType, row.payload);
  } catch (cause) {
    throw new SagaflowError(
      'CODEC_FAILED',
      `outbox row ${row.id}: payload is not a valid ${type.name}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  const value = await codec.encode(type, payload);
  return {
    key: row.key,
    value,
    headers: toKafkaHeaders({
      messageId: row.messageId,
      messageType: row.messageType,
      correlationId: row.correlationId,
      ...(row.causationId === null ? {} : { causationId: row.causationId }),
      ...(row.sagaType === null ? {} : { sagaType: row.sagaType }),
      source: row.source,
      occurredAt: row.occurredAt.toISOString(),
      ...(row.traceparent === null ? {} : { traceparent: row.traceparent }),
      contentType: codec.contentType,
    }),
  };
}

function asSagaflowError(error: unknown, row: OutboxRow): SagaflowError {
  if (error instanceof SagaflowError) return error;
  return new SagaflowError(
    'CODEC_FAILED',
    `outbox row ${row.id}: ${(error as Error)?.message ?? String(error)}`,
    {
      cause: error,
      context: { messageId: row.messageId },
    },
  );
}
