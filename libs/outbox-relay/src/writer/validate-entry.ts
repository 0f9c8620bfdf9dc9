import { MessageValidationError, SagaflowError } from '../errors/sagaflow-error';
import type { MessageCatalog } from '../message/message-catalog';
import { isUuid } from '../message/message-id';
import type { MessageType } from '../message/message-type';
import type { OutboxEntry } from './outbox-entry';
import { nonFiniteNumberIn, toOutboxJson } from './outbox-payload';

/** An entry that passed validation, with its key resolved and its payload as the outbox stores it. */
export interface ValidEntry {
  entry: OutboxEntry;
  key: string;
  /** The `payload` column's text (docs/decisions/0075). */
  payloadJson: string;
}

/**
 * The largest record a writer accepts by default, in bytes of Avro: under the 1,048,588 bytes Kafka's
 * `message.max.bytes` allows by default, with room for the key and the contract headers.
 */
export const defaultMaxMessageBytes = 1_000_000;

const traceparentPattern = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * Checks one entry before it is written, so a bad message fails the business transaction that wrote it
 * instead of poisoning the relay later.
 * @throws MessageValidationError naming the entry's index, its type and every field at fault.
 * @throws SagaflowError UNKNOWN_MESSAGE_TYPE when a catalog is given and does not hold the type.
 */
export function validateEntry(
  entry: OutboxEntry,
  index: number,
  catalog?: MessageCatalog,
  maxMessageBytes = defaultMaxMessageBytes,
): ValidEntry {
  const type: MessageType | undefined = entry?.type;
  const at = `outbox entry ${index}`;
  if (!type || typeof type.name !== 'string' || typeof type.validate !== 'function') {
    throw new MessageValidationError(`${at}: type must be a MessageType made by defineMessage`, ['type'], {
      index,
    });
  }
  if (catalog && catalog.find(type.name) !== type) {
    throw new SagaflowError(
      'UNKNOWN_MESSAGE_TYPE',
      `${at}: message type ${type.name} is not in this writer's catalog`,
      { context: { index, messageType: type.name } },
    );
  }
  const label = `${at} (${type.name})`;
  try {
    // called through a widened signature: TS only narrows through explicitly typed assertion targets
    (type.validate as (payload: unknown) => void).call(type, entry.payload);
  } catch (error) {
    if (!(error instanceof MessageValidationError)) throw error;
    const fields = error.fields.map((f) => (f === '(root)' ? 'payload' : `payload.${f}`));
    throw new MessageValidationError(`${label}: ${error.message.replace(/^\[\w+\] /, '')}`, fields, {
      index,
      messageType: type.name,
    });
  }
  const faults: string[] = [];
  const messages: string[] = [];
  const fault = (field: string, message: string) => {
    faults.push(field);
    messages.push(`${field} ${message}`);
  };
  // Avro takes NaN and Infinity; JSON, and so the outbox, cannot: refused here rather than set aside later
  const nonFinite = nonFiniteNumberIn(type.avroType, entry.payload);
  if (nonFinite) fault(nonFinite, 'must be a finite number: the outbox stores payloads as JSON');
  let key: unknown;
  try {
    key = entry.key ?? type.key(entry.payload);
  } catch (error) {
    fault('key', `could not be derived from the payload: ${(error as Error).message}`);
  }
  if (faults.length === 0 && (typeof key !== 'string' || key.length === 0)) {
    fault('key', `must be a non-empty string (got ${JSON.stringify(key) ?? 'undefined'})`);
  }
  if (typeof entry.correlationId !== 'string' || entry.correlationId.length === 0) {
    fault(
      'correlationId',
      `must be a non-empty string (got ${JSON.stringify(entry.correlationId) ?? 'undefined'})`,
    );
  }
  optionalString(entry.causationId, 'causationId', fault);
  optionalString(entry.sagaType, 'sagaType', fault);
  if (entry.messageId !== undefined && (typeof entry.messageId !== 'string' || !isUuid(entry.messageId))) {
    fault('messageId', `must be a UUID (got ${JSON.stringify(entry.messageId)})`);
  }
  if (
    entry.traceparent !== undefined &&
    (typeof entry.traceparent !== 'string' || !traceparentPattern.test(entry.traceparent))
  ) {
    fault(
      'traceparent',
      `must be a W3C traceparent like 00-<32 hex>-<16 hex>-01 (got ${JSON.stringify(entry.traceparent)})`,
    );
  }
  if (
    entry.occurredAt !== undefined &&
    !(entry.occurredAt instanceof Date && !isNaN(entry.occurredAt.getTime()))
  ) {
    fault('occurredAt', `must be a valid Date (got ${String(entry.occurredAt)})`);
  }
  if (faults.length > 0) {
    throw new MessageValidationError(`${label}: ${messages.join('; ')}`, faults, {
      index,
      messageType: type.name,
    });
  }
  const payloadJson = toOutboxJson(type.avroType, entry.payload);
  // Avro takes at most 8 bytes for what JSON writes in one character (a double), so only a payload whose
  // JSON is over an eighth of the limit can be over it: encoded exactly only then
  if (payloadJson.length > maxMessageBytes / 8) {
    const bytes = type.avroType.toBuffer(entry.payload).length;
    if (bytes > maxMessageBytes) {
      throw new MessageValidationError(
        `${label}: payload is ${bytes} bytes as Avro, over the ${maxMessageBytes}-byte limit of one Kafka record (OutboxWriter maxMessageBytes)`,
        ['payload'],
        { index, messageType: type.name, bytes, maxMessageBytes },
      );
    }
  }
  return { entry, key: key as string, payloadJson };
}

function optionalString(
  value: unknown,
  field: string,
  fault: (field: string, message: string) => void,
): void {
  if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
    fault(field, `must be a non-empty string when given (got ${JSON.stringify(value)})`);
  }
}
