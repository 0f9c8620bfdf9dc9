import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Type } from 'avsc';
import { CodecError } from '../errors/sagaflow-error';
import { ContentType } from '../message/headers';
import type { AnyMessageType } from '../message/message-type';
import type { MessageCodec } from './message-codec';

/** Options of {@link AvroRegistryCodec}. */
export interface AvroRegistryCodecOptions {
  /** Base URL of a Confluent-compatible registry, e.g. `http://127.0.0.1:8081/apis/ccompat/v7`. */
  registryUrl: string;
  /** Retries of one registry request before the error surfaces as retriable; default 2. */
  retries?: number;
}

/**
 * Avro in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary). Each type's schema is
 * registered once under `<topic>-<record full name>` (TopicRecordNameStrategy) and its id cached, so once
 * warm, encoding needs no registry at all.
 */
export class AvroRegistryCodec implements MessageCodec {
  readonly contentType = ContentType.avro;
  private readonly registry: SchemaRegistry;
  private readonly registryUrl: string;
  private readonly ids = new Map<AnyMessageType, Promise<number>>();
  private readonly writers = new Map<number, Promise<Type>>();
  private readonly resolvers = new Map<string, ReturnType<Type['createResolver']>>();

  constructor(options: AvroRegistryCodecOptions) {
    this.registryUrl = options.registryUrl.replace(/\/+$/, '');
    this.registry = new SchemaRegistry({
      host: this.registryUrl,
      clientId: 'sagaflow',
      retry: { retries: options.retries ?? 2, maxRetryTimeInSecs: 2 },
    });
  }

  /** The subject a type's schema is registered under. */
  static subjectOf(type: AnyMessageType): string {
    return `${type.topic}-${type.name}`;
  }

  /**
   * @throws CodecError retriable when the registry is unreachable or failing (5xx); not retriable when
   * it rejects the schema (e.g. 409 incompatible) or the payload does not match the schema.
   */
  async encode(type: AnyMessageType, payload: unknown): Promise<Buffer> {
    const id = await this.schemaId(type);
    let body: Buffer;
    try {
      body = type.avroType.toBuffer(payload);
    } catch (cause) {
      throw new CodecError(`Avro encode of ${type.name}: ${(cause as Error).message}`, {
        retriable: false,
        cause,
        context: { messageType: type.name },
      });
    }
    const header = Buffer.alloc(5);
    header.writeInt32BE(id, 1);
    return Buffer.concat([header, body]);
  }

  /** Decodes with the writer schema named by the value's id, resolved to `type`'s (reader) schema. */
  async decode(value: Buffer, type: AnyMessageType): Promise<unknown> {
    if (value.length < 5 || value[0] !== 0) {
      throw new CodecError(`value of ${type.name} is not in the Confluent wire format (no magic byte 0)`, {
        retriable: false,
        context: { messageType: type.name },
      });
    }
    const id = value.readInt32BE(1);
    const writer = await this.writerType(id, type);
    const resolverKey = `${id}:${type.name}`;
    let resolver = this.resolvers.get(resolverKey);
    try {
      if (!resolver) {
        resolver = type.avroType.createResolver(writer);
        this.resolvers.set(resolverKey, resolver);
      }
      return type.avroType.fromBuffer(value.subarray(5), resolver);
    } catch (cause) {
      throw new CodecError(
        `Avro decode of ${type.name} (writer schema id ${id}): ${(cause as Error).message}`,
        {
          retriable: false,
          cause,
          context: { messageType: type.name, schemaId: id },
        },
      );
    }
  }

  private schemaId(type: AnyMessageType): Promise<number> {
    let id = this.ids.get(type);
    if (!id) {
      const subject = AvroRegistryCodec.subjectOf(type);
      id = this.register(type, subject).then(
        (r) => r.id,
        (cause: unknown) => {
          // forget the failure, so the next publish attempt asks the registry again
          this.ids.delete(type);
          throw registryError(cause, `registering ${type.name} under subject ${subject}`, { subject });
        },
      );
      this.ids.set(type, id);
    }
    return id;
  }

  private async register(type: AnyMessageType, subject: string): Promise<{ id: number }> {
    const schema = { type: SchemaType.AVRO as const, schema: JSON.stringify(type.schema) };
    try {
      return await this.registry.register(schema, { subject });
    } catch (error) {
      if ((error as Error)?.name !== 'ConfluentSchemaRegistryCompatibilityError') throw error;
      const level = await this.subjectLevel(subject);
      if (level === undefined) throw error;
      if (level !== 'NONE') {
        // an operator chose another level for this subject on purpose: register under it, keep it
        return this.registry.register(schema, { subject, compatibility: level as never });
      }
      // The client registers a new subject, then sets its level: a process killed in between leaves the
      // subject at NONE and the client refuses it from then on. Finish what the crash interrupted.
      const response = await fetch(`${this.registryUrl}/config/${encodeURIComponent(subject)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ compatibility: 'BACKWARD' }),
      });
      if (!response.ok) throw error;
      return this.registry.register(schema, { subject });
    }
  }

  private async subjectLevel(subject: string): Promise<string | undefined> {
    const response = await fetch(`${this.registryUrl}/config/${encodeURIComponent(subject)}`);
    if (!response.ok) return undefined;
    const body = (await response.json()) as { compatibilityLevel?: string };
    return body.compatibilityLevel?.toUpperCase();
  }

  private writerType(id: number, type: AnyMessageType): Promise<Type> {
    let writer = this.writers.get(id);
    if (!writer) {
      writer = this.registry.getSchema(id).then(
        // for AVRO subjects the registry client hands back an avsc Type
        (schema) => schema as unknown as Type,
        (cause: unknown) => {
          this.writers.delete(id);
          throw registryError(cause, `fetching writer schema ${id} for ${type.name}`, { schemaId: id });
        },
      );
      this.writers.set(id, writer);
    }
    return writer;
  }
}

function registryError(cause: unknown, doing: string, context: Record<string, unknown>): CodecError {
  const status = (cause as { status?: unknown }).status;
  // 4xx means the registry answered and refused (incompatible, invalid, unknown id): retrying won't help
  const refused =
    typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
  const message = (cause as Error)?.message ?? String(cause);
  return new CodecError(
    refused
      ? `schema registry refused ${doing}: ${message}`
      : `schema registry unavailable while ${doing}: ${message}`,
    { retriable: !refused, cause, context: { ...context, status } },
  );
}
