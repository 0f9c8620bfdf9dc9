import { Type, type Schema } from 'avsc';
import { DefinitionError, MessageValidationError } from '../errors/sagaflow-error';

/** An Avro record schema, as JSON. */
export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace: string;
  doc?: string;
  fields: ReadonlyArray<{ name: string; type: unknown; default?: unknown; doc?: string }>;
}

/** Whether a message type states a fact (event) or asks a service to act (command). */
export type MessageKind = 'event' | 'command';

/**
 * A message type of the contract: its record full name, the topic that carries it, its Avro schema and
 * how to find its Kafka key (the aggregate id) in a payload. Messages are matched by this name
 * (the `message-type` header), never by `instanceof`, so payloads decoded from a broker match too.
 * @typeParam T the payload's TypeScript shape, which must agree with `schema`.
 */
export interface MessageType<T = unknown> {
  /** Record full name, `<namespace>.<name>`, e.g. `inventory.StockReserved`. */
  readonly name: string;
  readonly topic: string;
  readonly kind: MessageKind;
  readonly schema: AvroRecordSchema;
  /** The Kafka key of a payload: the aggregate id for events, the target aggregate id for commands. */
  readonly key: (payload: T) => string;
  /**
   * Checks a payload against the schema.
   * @throws MessageValidationError naming every field at fault.
   */
  validate(payload: unknown): asserts payload is T;
  /** The avsc type, for codecs. */
  readonly avroType: Type;
  /** Phantom member carrying `T`; never set. */
  readonly __payload?: T;
}

/**
 * Any message type, whatever its payload: what catalogs, codecs and relays take, since they handle many
 * types at once (`MessageType<unknown>` would refuse `MessageType<OrderPlaced>`: `key` is contravariant).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMessageType = MessageType<any>;

/** The payload type of a {@link MessageType}. */
export type PayloadOf<M> = M extends MessageType<infer T> ? T : never;

/** What {@link defineMessage} takes. */
export interface MessageTypeDefinition<T> {
  topic: string;
  kind: MessageKind;
  schema: AvroRecordSchema;
  key: (payload: T) => string;
}

/**
 * Declares a message type. The full name is taken from the schema (`namespace.name`).
 * @throws DefinitionError when the schema is not a valid Avro record or the topic is empty.
 * @example
 * export interface StockReserved { orderId: string; reservationId: string }
 * export const StockReserved = defineMessage<StockReserved>({
 *   topic: 'inventory.events', kind: 'event', key: (e) => e.orderId,
 *   schema: { type: 'record', namespace: 'inventory', name: 'StockReserved',
 *             fields: [{ name: 'orderId', type: 'string' }, { name: 'reservationId', type: 'string' }] },
 * });
 */
export function defineMessage<T>(definition: MessageTypeDefinition<T>): MessageType<T> {
  const { schema, topic, kind, key } = definition;
  const name = `${schema.namespace}.${schema.name}`;
  if (schema.type !== 'record' || !schema.name || !schema.namespace) {
    throw new DefinitionError(
      `defineMessage: schema of ${name} must be an Avro record with a name and a namespace`,
    );
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(topic)) {
    throw new DefinitionError(`defineMessage ${name}: topic "${topic}" is not a valid Kafka topic name`);
  }
  let avroType: Type;
  try {
    avroType = Type.forSchema(schema as unknown as Schema, { wrapUnions: false });
  } catch (cause) {
    throw new DefinitionError(`defineMessage ${name}: invalid Avro schema: ${(cause as Error).message}`, {
      name,
    });
  }
  const type: MessageType<T> = {
    name,
    topic,
    kind,
    schema,
    key,
    avroType,
    validate(payload: unknown): asserts payload is T {
      const faults: string[] = [];
      const valid = avroType.isValid(payload, {
        errorHook: (path: string[], value: unknown, t: Type) =>
          faults.push(
            `${path.join('.') || '(root)'} (expected ${describe(t)}, got ${JSON.stringify(value) ?? 'undefined'})`,
          ),
      });
      if (!valid) {
        throw new MessageValidationError(
          `payload of ${name} does not match its schema: ${faults.join('; ')}`,
          faults.map((f) => f.split(' ')[0]!),
          {
            messageType: name,
          },
        );
      }
    },
  };
  return Object.freeze(type);
}

function describe(t: Type): string {
  const n = (t as { typeName?: string }).typeName;
  return n ?? 'another type';
}
