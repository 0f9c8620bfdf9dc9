import { setTimeout as sleep } from 'node:timers/promises';
import {
  fromKafkaHeaders,
  isUuid,
  SagaflowError,
  type MessageCatalog,
  type MessageCodec,
  type MessageHeaders,
} from '@sagaflow/outbox-relay';
import type { Pool } from 'pg';
import type { IncomingMessage } from '../engine/saga-outcome';
import type { SagaflowLogger } from '../observability/json-logger';
import type { SagaflowMetrics } from '../observability/sagaflow-metrics';
import { insertInbox } from '../store/insert-inbox';
import { markStuck } from '../store/mark-stuck';
import { toSagaflowError } from './classify-error';
import type { ConsumedRecord, DeadLetterPublisher } from './dead-letter';
import { inTransaction } from './in-transaction';
import type { ApplyResult, RecordConsumer } from './record-consumer';
import {
  backoff,
  RetriesExhausted,
  RetryAborted,
  retryInFreshTransactions,
  type RetrySettings,
} from './retry-in-fresh-transactions';

/** What {@link RecordDispatcher} needs. */
export interface RecordDispatcherDeps {
  service: string;
  pool: Pool;
  codec: MessageCodec;
  catalog: MessageCatalog;
  /** Inbox consumers by message full name. */
  consumers: ReadonlyMap<string, readonly RecordConsumer[]>;
  deadLetters: DeadLetterPublisher;
  logger: SagaflowLogger;
  metrics: SagaflowMetrics;
  /** Retry of decoding (registry outages) and of the service-level dead-lettering. */
  retry: RetrySettings;
  signal: AbortSignal;
}

/**
 * Handles one consumed record completely: reads the contract headers, decodes the payload, then lets every
 * inbox consumer of its type apply it in its own transaction, retried in fresh transactions; a consumer
 * that gives up dead-letters the record (and marks its saga stuck). Resolves when the record may be
 * committed; throws only {@link RetryAborted} (stopping), so the offset is then not committed.
 */
export class RecordDispatcher {
  constructor(private readonly d: RecordDispatcherDeps) {}

  async handle(record: ConsumedRecord): Promise<void> {
    const parsed = fromKafkaHeaders(record.message.headers);
    if (!parsed.ok) {
      return this.deadLetter(
        record,
        undefined,
        this.d.service,
        invalid(`record misses the headers ${parsed.missing.join(', ')}`),
        1,
      );
    }
    const headers = parsed.headers;
    if (!isUuid(headers.messageId)) {
      return this.deadLetter(
        record,
        headers,
        this.d.service,
        invalid(`message-id ${JSON.stringify(headers.messageId)} is not a UUID`),
        1,
      );
    }
    const consumers = this.d.consumers.get(headers.messageType) ?? [];
    const type = this.d.catalog.find(headers.messageType);
    if (consumers.length === 0 || !type) {
      if (type?.kind === 'command' || record.topic.endsWith('.commands')) {
        const error = new SagaflowError(
          'UNKNOWN_MESSAGE_TYPE',
          `service ${this.d.service} has no handler for command ${headers.messageType} on ${record.topic}`,
          { context: { messageType: headers.messageType } },
        );
        return this.deadLetter(record, headers, this.d.service, error, 1);
      }
      // other services' event types on a shared events topic: counted and logged, then committed
      this.d.metrics.messageHandled(headers.messageType, this.d.service, 'not_subscribed');
      this.d.logger.debug('event type not consumed by this service', fields(record, headers));
      return;
    }
    if (!record.message.value) {
      return this.deadLetter(record, headers, this.d.service, invalid('record has no value'), 1);
    }
    let payload: unknown;
    try {
      payload = await retryInFreshTransactions(
        this.d.retry,
        `decoding ${headers.messageType}`,
        () => this.d.codec.decode(record.message.value!, type),
        {
          signal: this.d.signal,
          onRetry: (error) =>
            this.d.logger.warn('decoding failed, retrying', { ...fields(record, headers), error }),
        },
      );
    } catch (error) {
      if (!(error instanceof RetriesExhausted)) throw error;
      return this.deadLetter(record, headers, this.d.service, error.error, error.attempts);
    }
    const message: IncomingMessage = { type: headers.messageType, payload, headers };
    for (const consumer of consumers) await this.apply(record, message, consumer);
  }

  private async apply(
    record: ConsumedRecord,
    message: IncomingMessage,
    consumer: RecordConsumer,
  ): Promise<void> {
    const h = message.headers;
    const stop = this.d.metrics.timeHandler(consumer.name);
    try {
      const result = await retryInFreshTransactions(
        consumer.retry,
        consumer.origin,
        () =>
          // a consumer that does not want the message at all costs no transaction and no inbox row
          consumer.accepts && !consumer.accepts(message)
            ? Promise.resolve<ApplyResult | 'duplicate' | 'filtered'>('filtered')
            : inTransaction(this.d.pool, async (client): Promise<ApplyResult | 'duplicate'> => {
                if (!(await insertInbox(client, consumer.name, h.messageId, h.messageType)))
                  return 'duplicate';
                return consumer.apply(client, message, new Date());
              }),
        {
          signal: this.d.signal,
          onRetry: (error, attempt, delayMs) => {
            this.d.metrics.retried(h.messageType, consumer.name, error.code);
            this.d.logger.warn('message failed, retrying in a fresh transaction', {
              ...fields(record, h),
              consumer: consumer.name,
              attempt,
              delayMs,
              error,
            });
          },
        },
      );
      this.report(record, h, consumer, result);
    } catch (error) {
      if (!(error instanceof RetriesExhausted)) throw error;
      await this.deadLetter(
        record,
        h,
        consumer.name,
        error.error,
        error.attempts,
        consumer.stuckTarget?.(message),
      );
    } finally {
      stop();
    }
  }

  private report(
    record: ConsumedRecord,
    h: MessageHeaders,
    consumer: RecordConsumer,
    result: ApplyResult | 'duplicate' | 'filtered',
  ): void {
    const f = { ...fields(record, h), consumer: consumer.name };
    if (result === 'filtered') {
      this.d.metrics.messageHandled(h.messageType, consumer.name, 'filtered');
      this.d.logger.debug("message filtered out by the reaction's when()", f);
      return;
    }
    if (result === 'duplicate') {
      this.d.metrics.messageHandled(h.messageType, consumer.name, 'duplicate');
      this.d.logger.info('duplicate delivery: already applied, nothing changed', f);
      return;
    }
    const g = { ...f, sagaType: result.sagaType, sagaId: result.sagaId, reason: result.reason };
    this.d.metrics.messageHandled(h.messageType, consumer.name, result.outcome);
    if (result.sagaType && result.transitions)
      this.d.metrics.transitions(result.sagaType, result.transitions);
    if (result.outcome === 'ignored') this.d.logger.info('message ignored by the saga', g);
    else if (result.outcome === 'discarded')
      this.d.logger.warn('message discarded: no saga instance correlates', g);
    else this.d.logger.debug('message applied', { ...g, transitions: result.transitions });
  }

  /**
   * Sends the record to `<topic>.dlt` and marks the correlated instance stuck. Retried until the broker
   * takes it (or the runtime stops): the offset is committed only after.
   */
  private async deadLetter(
    record: ConsumedRecord,
    h: MessageHeaders | undefined,
    consumer: string,
    error: SagaflowError,
    attempts: number,
    stuck?: { type: string; correlationKey: string },
  ): Promise<void> {
    const type = h?.messageType ?? 'unknown';
    for (let failures = 1; ; failures++) {
      try {
        const topic = await this.d.deadLetters.publish(record, consumer, error, attempts);
        this.d.metrics.deadLetter(type, consumer, error.code);
        this.d.metrics.messageHandled(type, consumer, 'dead_lettered');
        this.d.logger.error('message dead-lettered', {
          ...fields(record, h),
          consumer,
          deadLetterTopic: topic,
          attempts,
          errorCode: error.code,
          error,
        });
        break;
      } catch (publishError) {
        if (this.d.signal.aborted) throw new RetryAborted();
        this.d.logger.warn('dead-lettering failed, retrying', { ...fields(record, h), error: publishError });
        await sleep(backoff(this.d.retry, failures), undefined, { signal: this.d.signal }).catch(
          () => undefined,
        );
      }
    }
    if (!stuck) return;
    try {
      const id = await inTransaction(this.d.pool, (client) =>
        markStuck(client, stuck, error.code, error.message),
      );
      if (id)
        this.d.logger.error('saga instance is stuck', {
          ...fields(record, h),
          sagaId: id,
          sagaType: stuck.type,
          errorCode: error.code,
        });
    } catch (markError) {
      // the dead letter carries the error; the marker is a convenience for operators
      this.d.logger.warn('could not mark the saga instance stuck', {
        ...fields(record, h),
        error: toSagaflowError(markError, 'markStuck'),
      });
    }
  }
}

function invalid(message: string): SagaflowError {
  return new SagaflowError('MESSAGE_INVALID', message);
}

function fields(record: ConsumedRecord, h: MessageHeaders | undefined): Record<string, unknown> {
  return {
    correlationId: h?.correlationId,
    messageId: h?.messageId,
    messageType: h?.messageType,
    topic: record.topic,
    partition: record.partition,
    offset: record.message.offset,
  };
}
