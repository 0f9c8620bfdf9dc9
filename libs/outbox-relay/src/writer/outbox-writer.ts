import type { Span } from '@opentelemetry/api';
import type { ClientBase } from 'pg';
import { ConfigError } from '../errors/sagaflow-error';
import type { MessageCatalog } from '../message/message-catalog';
import { endSpan } from '../tracing/message-spans';
import { startAppendSpan } from './append-span';
import type { OutboxEntry } from './outbox-entry';
import { defaultMaxMessageBytes, validateEntry, type ValidEntry } from './validate-entry';
import { writeOutboxRows } from './write-outbox-rows';

/** Options of {@link OutboxWriter}. */
export interface OutboxWriterOptions {
  /** The service name, written into every message's `source` header. */
  source: string;
  /** When given, only these types may be appended (the relay can only publish types it knows). */
  catalog?: MessageCatalog;
  /**
   * The largest payload accepted, in bytes of Avro (default {@link defaultMaxMessageBytes}): set it to the
   * topics' `max.message.bytes` less the headers when the brokers allow more, or less, than Kafka's default.
   * A larger message fails the business transaction here instead of being set aside by the relay.
   */
  maxMessageBytes?: number;
}

/**
 * Appends messages to the outbox inside the caller's transaction: the messages commit, or roll back,
 * with the business change. No broker or registry is needed to write.
 * @example
 * await client.query('begin');
 * await client.query('update orders set status = $2 where id = $1', [orderId, 'PLACED']);
 * await writer.append(client, { type: OrderPlaced, payload: { orderId }, correlationId: orderId });
 * await client.query('commit');
 */
export class OutboxWriter {
  private readonly source: string;
  private readonly catalog: MessageCatalog | undefined;
  private readonly maxMessageBytes: number;

  /** @throws ConfigError when `source` is not a non-empty string. */
  constructor(options: OutboxWriterOptions) {
    if (typeof options?.source !== 'string' || options.source.trim().length === 0) {
      throw new ConfigError(
        `OutboxWriter source must be a non-empty service name (got ${JSON.stringify(options?.source)})`,
        { setting: 'source' },
      );
    }
    const max = options.maxMessageBytes ?? defaultMaxMessageBytes;
    if (!Number.isInteger(max) || max < 1024) {
      throw new ConfigError(
        `OutboxWriter maxMessageBytes must be an integer of at least 1024 (got ${JSON.stringify(options.maxMessageBytes)})`,
        { setting: 'maxMessageBytes' },
      );
    }
    this.source = options.source;
    this.catalog = options.catalog;
    this.maxMessageBytes = max;
  }

  /**
   * Validates every entry (payload against its schema, non-empty key and correlationId), then inserts
   * them in order with one statement. Nothing is written when any entry is invalid.
   * @param client a client inside the caller's transaction.
   * @returns the message ids, in entry order.
   * @throws MessageValidationError naming the entry and field at fault.
   */
  append<T>(client: ClientBase, entries: OutboxEntry<T> | readonly OutboxEntry<T>[]): Promise<string[]>;
  /** Entries of several types at once; each payload is still checked against its own type's schema. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  append(client: ClientBase, entries: readonly OutboxEntry<any>[]): Promise<string[]>;
  async append(client: ClientBase, entries: OutboxEntry | readonly OutboxEntry[]): Promise<string[]> {
    const list = (Array.isArray(entries) ? entries : [entries]) as OutboxEntry[];
    if (list.length === 0) return [];
    const valid = list.map((entry, index) => validateEntry(entry, index, this.catalog, this.maxMessageBytes));
    const traced = valid.map((v) => startAppendSpan(v, this.source));
    try {
      const ids = await writeOutboxRows(
        client,
        this.source,
        traced.map((t) => t.valid),
      );
      for (const { span } of traced) endSpan(span);
      return ids;
    } catch (error) {
      for (const { span } of traced) endSpan(span, error);
      throw error;
    }
  }

  /**
   * Validates entries and gives each its message id without writing anything, so a transaction that
   * handles many messages writes all their outbox rows with one {@link OutboxWriter.write} at its end.
   * @returns the prepared entries, in order; their `entry.messageId` is set, and their `entry.traceparent`
   * is the message's own span (what a consumer of it in process sees).
   * @throws MessageValidationError naming the entry and field at fault.
   */
  prepare(entries: readonly OutboxEntry[]): PreparedOutboxEntry[] {
    const valid = entries.map((entry, index) =>
      validateEntry(entry, index, this.catalog, this.maxMessageBytes),
    );
    return valid.map((v) => {
      const { valid: prepared, span } = startAppendSpan(v, this.source);
      // the append span lasts until the row is written; a transaction rolled back first never ends it
      openAppends.set(prepared, span);
      return prepared;
    });
  }

  /** Inserts entries from {@link OutboxWriter.prepare}, in order, with one statement, in the caller's transaction. */
  async write(client: ClientBase, prepared: readonly PreparedOutboxEntry[]): Promise<void> {
    if (prepared.length === 0) return;
    let failure: unknown;
    try {
      await writeOutboxRows(client, this.source, prepared);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      for (const p of prepared) {
        const span = openAppends.get(p);
        openAppends.delete(p);
        if (span) endSpan(span, failure);
      }
    }
  }
}

// keyed weakly: a prepared entry whose transaction rolled back takes its unended span with it
const openAppends = new WeakMap<PreparedOutboxEntry, Span>();

/** An outbox entry validated by {@link OutboxWriter.prepare}, its message id assigned. */
export type PreparedOutboxEntry = ValidEntry;
