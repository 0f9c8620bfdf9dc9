import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { ContentType } from '@sagaflow/outbox-relay';
import type { Type } from 'avsc';
import { toJsonSafe } from './json-safe';

/** A value decoded to JSON, or why it could not be. */
export type DecodedValue = { payload: unknown; error: null } | { payload: null; error: string };

/**
 * The registry could not be asked (unreachable, 5xx, throttled): the record is not undecodable, the
 * monitor is. The batch is retried rather than stored with an error.
 */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

/**
 * Decodes record values without knowing their type up front: the `content-type` header says Avro
 * (Confluent wire format: magic byte 0, 4-byte schema id) or JSON; for Avro the writer schema is fetched
 * by its id (and cached), so any registered type decodes.
 */
export class RecordDecoder {
  private readonly registry: SchemaRegistry;
  private readonly writers = new Map<number, Promise<Type>>();

  constructor(registryUrl: string) {
    this.registry = new SchemaRegistry({
      host: registryUrl,
      clientId: 'sagaflow-monitor',
      retry: { retries: 2, maxRetryTimeInSecs: 2 },
    });
  }

  /**
   * @returns the JSON payload (null for a tombstone), or the reason it is undecodable.
   * @throws RegistryUnavailableError when the registry could not answer; retrying may help.
   */
  async decode(value: Buffer | null, contentType: string | undefined): Promise<DecodedValue> {
    if (value === null) return { payload: null, error: null };
    if (contentType === ContentType.json) return decodeJson(value);
    if (contentType === ContentType.avro) return this.decodeAvro(value);
    // not written by Sagaflow's codecs: guess from the bytes, and say so if neither fits
    if (value.length >= 5 && value[0] === 0) return this.decodeAvro(value);
    const json = decodeJson(value);
    if (json.error === null) return json;
    return { payload: null, error: `unknown content-type ${JSON.stringify(contentType ?? null)}` };
  }

  private async decodeAvro(value: Buffer): Promise<DecodedValue> {
    if (value.length < 5 || value[0] !== 0) {
      return { payload: null, error: 'not in the Confluent wire format (no magic byte 0 and schema id)' };
    }
    const id = value.readInt32BE(1);
    let writer: Type;
    try {
      writer = await this.writer(id);
    } catch (cause) {
      const status = (cause as { status?: unknown }).status;
      const refused =
        typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
      if (!refused) {
        throw new RegistryUnavailableError(
          `schema registry unavailable fetching schema ${id}: ${(cause as Error).message}`,
          { cause },
        );
      }
      return {
        payload: null,
        error: `schema id ${id}: the registry refused it (${(cause as Error).message})`,
      };
    }
    try {
      return { payload: toJsonSafe(writer.fromBuffer(value.subarray(5))), error: null };
    } catch (cause) {
      return {
        payload: null,
        error: `Avro decode with writer schema ${id} failed: ${(cause as Error).message}`,
      };
    }
  }

  private writer(id: number): Promise<Type> {
    let writer = this.writers.get(id);
    if (!writer) {
      // for Avro subjects the registry client hands back an avsc Type
      writer = this.registry.getSchema(id).then((schema) => schema as unknown as Type);
      writer.catch(() => this.writers.delete(id));
      this.writers.set(id, writer);
    }
    return writer;
  }
}

function decodeJson(value: Buffer): DecodedValue {
  try {
    return { payload: toJsonSafe(JSON.parse(value.toString('utf8'))), error: null };
  } catch (cause) {
    return { payload: null, error: `JSON decode failed: ${(cause as Error).message}` };
  }
}
