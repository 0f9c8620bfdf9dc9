import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, Partitioners, type LogEntry, type Producer } from 'kafkajs';
import { Pool } from 'pg';
import type { Histogram, Registry } from 'prom-client';
import { createCodec } from '../codec/create-codec';
import type { MessageCodec } from '../codec/message-codec';
import { watchConnectionErrors } from '../database/watch-connection-errors';
import { SagaflowError } from '../errors/sagaflow-error';
import { ensureTopics } from '../kafka/ensure-topics';
import type { RelayLogger } from '../logging/relay-logger';
import { faultPoint } from '../fault/fault-point';
import { hopHistogram } from '../metrics/hop-histogram';
import { backoffDelay } from './backoff';
import { capBatchBytes } from './cap-batch-bytes';
import { claimNextBatch } from './claim-next-batch';
import { cleanUpPublished } from './clean-up-published';
import { LeaderLock } from './elect-leader';
import { encodeBatch } from './encode-batch';
import { markPublished } from './mark-published';
import type { OutboxRow } from './outbox-row';
import { readPendingStats } from './pending-stats';
import {
  isRecordRejected,
  publishBatch,
  publishRecordByRecord,
  type RecordByRecordOutcome,
} from './publish-batch';
import { parseRelayConfig, type OutboxRelayConfig, type ResolvedRelayConfig } from './relay-config';
import { RelayEvents } from './relay-events';
import { RelayMetrics } from './relay-metrics';
import { readSetAsideKeys, retrySetAside, setAsideRow, type SetAsideKey } from './set-aside';
import { WakeSignal } from './wake-signal';

/**
 * Publishes `sagaflow.outbox` to Kafka: one leader per database (advisory lock), woken in memory by a
 * writer of its own process ({@link OutboxRelay.wake}) or by a NOTIFY a writer elsewhere sends after its
 * commit (`OutboxNotifier`), with polling as the fallback, batches sent with the idempotent producer (acks all) and marked
 * only after the ack. Commit order per key is kept; a row that cannot be encoded is set aside and holds
 * back its own key only; broker, registry and database outages are waited out with backoff.
 * @example
 * const relay = new OutboxRelay({ databaseUrl, brokers: ['127.0.0.1:9092'],
 *   codec: { kind: 'avro', registryUrl }, catalog: [OrderPlaced, StockReserved] });
 * await relay.start();
 * // …
 * await relay.stop(); // finishes the batch in flight
 */
export class OutboxRelay {
  /** The settings in force (validated, frozen). */
  readonly config: ResolvedRelayConfig;
  /** Typed events: leadership, batches, set-aside messages, publish failures. */
  readonly events: RelayEvents;
  private readonly log: RelayLogger;
  private readonly codec: MessageCodec;
  private readonly kafka: Kafka;
  private readonly metrics: RelayMetrics;
  private readonly wakeSignal = new WakeSignal();
  private pool: Pool | undefined;
  private lock: LeaderLock | undefined;
  private producer: Producer | undefined;
  private running = false;
  private stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private cleanupTimer: NodeJS.Timeout | undefined;
  private cleaning = false;
  private topicsReady = false;
  private failures = 0;
  private setAsideChanged = false;
  private readonly hops: Histogram<'stage'>;

  /** @throws ConfigError naming the setting at fault; nothing has connected yet. */
  constructor(config: OutboxRelayConfig) {
    this.config = parseRelayConfig(config);
    this.log = this.config.logger;
    this.events = new RelayEvents(this.log);
    const codec = this.config.codec;
    this.codec = 'encode' in codec ? codec : createCodec(codec);
    this.kafka = new Kafka({
      clientId: this.config.clientId,
      brokers: [...this.config.brokers],
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      retry: { retries: this.config.sendRetries, initialRetryTime: 100, maxRetryTime: 1000 },
      logLevel: logLevel.ERROR,
      logCreator: () => (entry: LogEntry) => this.kafkaLog(entry),
    });
    this.metrics = new RelayMetrics(this.config.metricsRegistry, () => readPendingStats(this.requirePool()));
    this.hops = hopHistogram(this.config.metricsRegistry);
  }

  /** The Prometheus registry holding this relay's metrics. */
  get metricsRegistry(): Registry {
    return this.config.metricsRegistry;
  }

  /** Whether this relay currently holds leadership of its database (and so is the one publishing). */
  isLeader(): boolean {
    return this.lock?.isHeld ?? false;
  }

  /**
   * Starts competing for leadership and, once leader, publishing. Resolves at once: connection problems
   * are retried with backoff and reported through logs, metrics and events, never thrown.
   */
  async start(): Promise<void> {
    if (this.loop) return;
    this.running = true;
    this.stopping = new AbortController();
    this.pool = new Pool({
      connectionString: this.config.databaseUrl,
      max: 4,
      application_name: 'sagaflow-relay',
      // A backlog committed in bulk has no statistics yet: the planner then expects a handful of pending rows
      // and sorts the whole backlog for every read (measured 110 ms per read at 100k rows) instead of
      // walking the pending index in id order. No relay query needs a sort, so rule sorting out.
      options: '-c enable_sort=off',
    });
    watchConnectionErrors(this.pool, (message, error) => this.log.warn(message, { error }));
    this.lock = new LeaderLock({
      databaseUrl: this.config.databaseUrl,
      checkIntervalMs: this.config.leaderCheckMs,
      onNotify: () => this.wakeSignal.notify(),
      onLost: (reason) => this.lostLeadership(reason),
    });
    this.log.info('relay started', {
      relayId: this.config.relayId,
      brokers: this.config.brokers,
      codec: this.codec.contentType,
      types: this.config.catalog.all().map((t) => t.name),
      batchSize: this.config.batchSize,
    });
    this.loop = this.run();
  }

  /** Stops: the batch in flight is sent and marked, then leadership and connections are released. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.running = false;
    this.stopping.abort();
    this.wakeSignal.notify();
    await this.loop;
    this.loop = undefined;
    await this.lock?.release();
    this.metrics.leader.set(0);
    await this.dropProducer();
    await this.pool?.end();
    this.pool = undefined;
    this.log.info('relay stopped', { relayId: this.config.relayId });
  }

  /**
   * Tells the relay that rows were committed: it reads at once instead of at its next poll. Writers in the
   * relay's own process call it after their commit; it costs nothing when the relay is busy or a standby.
   */
  wake(): void {
    this.wakeSignal.notify();
  }

  /** Makes set-aside rows eligible again, e.g. after fixing what made them fail. @returns how many. */
  async retrySetAside(): Promise<number> {
    const n = await retrySetAside(this.requirePool());
    this.setAsideChanged = true;
    this.wakeSignal.notify();
    return n;
  }

  private async run(): Promise<void> {
    const lock = this.lock!;
    while (this.running) {
      try {
        if (await lock.tryAcquire()) await this.lead(lock);
        else await this.pause(this.config.leaderRetryMs);
      } catch (error) {
        const failure = classify(error);
        this.metrics.errors.inc({ code: failure.code });
        const retryInMs = backoffDelay(++this.failures, this.config.backoff);
        this.log.warn('relay cannot reach its database, retrying', { error: failure, retryInMs });
        await this.pause(retryInMs);
      }
    }
  }

  private async lead(lock: LeaderLock): Promise<void> {
    this.metrics.leader.set(1);
    this.log.info('relay is leader', { relayId: this.config.relayId });
    this.events.emit('leader.acquired', { relayId: this.config.relayId });
    // a new leader gives set-aside rows another chance: the catalog may have been fixed by a redeploy
    const released = await retrySetAside(this.requirePool());
    if (released > 0) this.log.info('retrying set-aside messages', { count: released });
    this.scheduleCleanup();
    try {
      while (this.running && lock.isHeld) {
        try {
          await this.drain(lock);
        } catch (error) {
          await this.recover(error);
        }
      }
    } finally {
      this.metrics.leader.set(0);
      clearInterval(this.cleanupTimer);
    }
  }

  /** Publishes until stopped, leadership is lost, or something fails (thrown to {@link lead}). */
  private async drain(lock: LeaderLock): Promise<void> {
    const pool = this.requirePool();
    const { batchSize: limit, pollIntervalMs, maxBatchBytes } = this.config;
    const claim = async (options: Parameters<typeof claimNextBatch>[1]): Promise<OutboxRow[]> => {
      const rows = await claimNextBatch(pool, options);
      const now = Date.now();
      for (const row of rows)
        this.hops.observe({ stage: 'append_to_read' }, (now - row.occurredAt.getTime()) / 1000);
      readAt = now;
      return rows;
    };
    let readAt = Date.now();
    await this.ensureTopicsOnce();
    const producer = await this.connectedProducer();
    // the last batch's delete/mark runs in the background; its ids stay excluded from reads until it lands
    let mark: TrackedPromise | undefined;
    let marking: string[] = [];
    const settleMark = async (): Promise<void> => {
      if (mark) await mark.promise;
      mark = undefined;
      marking = [];
    };
    // known to the leader (it sets rows aside itself); re-read when idle, after retrySetAside(), and at
    // least every poll interval under load, as an operator may delete or fix a row while traffic flows
    let setAside: SetAsideKey[] = await readSetAsideKeys(pool);
    let setAsideReadAt = Date.now();
    const refreshSetAside = async (): Promise<void> => {
      if (setAside.length === 0 && !this.setAsideChanged) return;
      this.setAsideChanged = false;
      setAside = await readSetAsideKeys(pool);
      setAsideReadAt = Date.now();
    };
    this.wakeSignal.reset();
    let claimed: OutboxRow[] = await claim({ limit, setAside });
    try {
      while (this.running && lock.isHeld) {
        if (claimed.length === 0) {
          // a NOTIFY may already be waiting: do not make new rows wait for the previous mark first
          await this.wakeSignal.wait(pollIntervalMs);
          if (!this.running || !lock.isHeld) break;
          if (mark?.settled) await settleMark();
          this.wakeSignal.reset();
          await refreshSetAside();
          claimed = await claim({ limit, inFlight: marking, setAside });
          continue;
        }
        const batch = await encodeBatch(claimed, this.config.catalog, this.codec);
        for (const { row, error } of batch.setAside) {
          await this.setAside(row, error);
          setAside = [...setAside, { topic: row.topic, key: row.key, id: row.id }];
        }
        // rows past the byte cap are not in flight: the read ahead returns them first
        const { send } = capBatchBytes(batch.messages, maxBatchBytes);
        const sending = send.map((m) => m.row.id);
        const sentReadAt = readAt;
        if (this.setAsideChanged || (setAside.length > 0 && Date.now() - setAsideReadAt >= pollIntervalMs))
          await refreshSetAside();
        // read ahead while this batch is sent and the previous one marked
        this.wakeSignal.reset();
        const next = claim({ limit, inFlight: [...sending, ...marking], setAside });
        next.catch(() => undefined);
        if (!lock.isHeld) break;
        const started = performance.now();
        let sent = send;
        let rejected: RecordByRecordOutcome['rejected'] = [];
        try {
          await publishBatch(producer, send);
        } catch (error) {
          if (!isRecordRejected(error)) throw error;
          // Kafka refused a record itself: find which, set it aside, and let every other key go on
          ({ sent, rejected } = await publishRecordByRecord(producer, send));
        }
        const readToAck = (Date.now() - sentReadAt) / 1000;
        for (let i = 0; i < sent.length; i++) this.hops.observe({ stage: 'read_to_ack' }, readToAck);
        this.published(
          sent.map((m) => m.row),
          performance.now() - started,
        );
        faultPoint('relay.after-ack-before-mark');
        await settleMark();
        const marked = rejected.length === 0 ? sending : sent.map((m) => m.row.id);
        mark = track(markPublished(pool, marked, this.config.retentionMs > 0));
        marking = marked;
        this.failures = 0;
        if (rejected.length === 0) {
          claimed = await next;
          continue;
        }
        for (const { message, error } of rejected) {
          await this.setAside(message.row, error);
          setAside = [...setAside, { topic: message.row.topic, key: message.row.key, id: message.row.id }];
        }
        // the read ahead did not know these keys were held back: it may hold their later rows
        await next.catch(() => undefined);
        claimed = await claim({ limit, inFlight: marking, setAside });
      }
    } finally {
      await settleMark();
    }
  }

  private async recover(error: unknown): Promise<void> {
    const failure = classify(error);
    if (failure.code === 'BROKER_UNAVAILABLE') await this.dropProducer();
    const attempt = ++this.failures;
    const retryInMs = backoffDelay(attempt, this.config.backoff);
    this.metrics.errors.inc({ code: failure.code });
    this.log.warn('publishing paused, retrying', { error: failure, attempt, retryInMs });
    this.events.emit('publish.failed', { error: failure, attempt, retryInMs });
    await this.pause(retryInMs);
  }

  private published(rows: readonly OutboxRow[], durationMs: number): void {
    if (rows.length === 0) return;
    const byTopic = new Map<string, number>();
    for (const row of rows) byTopic.set(row.topic, (byTopic.get(row.topic) ?? 0) + 1);
    for (const [topic, n] of byTopic) this.metrics.published.inc({ topic }, n);
    this.metrics.batchSize.observe(rows.length);
    const lastId = rows[rows.length - 1]!.id;
    this.log.debug('batch published', { count: rows.length, lastId, durationMs });
    this.events.emit('batch.published', { count: rows.length, lastId, durationMs });
  }

  private async setAside(row: OutboxRow, error: SagaflowError): Promise<void> {
    await setAsideRow(this.requirePool(), row.id, error);
    this.metrics.errors.inc({ code: error.code });
    const fields = {
      id: row.id,
      messageId: row.messageId,
      messageType: row.messageType,
      topic: row.topic,
      key: row.key,
    };
    this.log.error('message set aside; its key waits until it is retried or removed', { ...fields, error });
    this.events.emit('message.set_aside', { ...fields, error });
  }

  private lostLeadership(reason: string): void {
    this.metrics.leader.set(0);
    this.metrics.errors.inc({ code: 'LEADERSHIP_LOST' });
    this.log.warn('relay lost leadership; publishing stops', { relayId: this.config.relayId, reason });
    this.events.emit('leader.lost', { relayId: this.config.relayId, reason });
    this.wakeSignal.notify();
  }

  private async ensureTopicsOnce(): Promise<void> {
    const create = this.config.createTopics;
    if (this.topicsReady || create === false) return;
    // cluster: partitions and replication as configured (issue 15)
    const topics = this.config.catalog.topics().map((topic) => ({ topic, ...create }));
    try {
      await ensureTopics(this.kafka, topics);
    } catch (cause) {
      throw new SagaflowError(
        'BROKER_UNAVAILABLE',
        `creating topics ${topics.map((t) => t.topic).join(', ')} failed: ${(cause as Error).message}`,
        {
          retriable: true,
          cause,
        },
      );
    }
    this.topicsReady = true;
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 like the Java client, so every client agrees on a key's partition
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: this.config.sendRetries, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    try {
      await producer.connect();
    } catch (cause) {
      await producer.disconnect().catch(() => undefined);
      throw new SagaflowError(
        'BROKER_UNAVAILABLE',
        `cannot connect to Kafka (${this.config.brokers.join(',')}): ${(cause as Error).message}`,
        {
          retriable: true,
          cause,
        },
      );
    }
    this.producer = producer;
    return producer;
  }

  // a fresh producer after a failure also gets a fresh producer id, so no stale sequence numbers linger
  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private scheduleCleanup(): void {
    clearInterval(this.cleanupTimer);
    if (this.config.retentionMs === 0) return;
    this.cleanupTimer = setInterval(() => void this.cleanUp(), this.config.cleanupIntervalMs);
    this.cleanupTimer.unref();
  }

  private async cleanUp(): Promise<void> {
    if (this.cleaning || !this.isLeader()) return;
    this.cleaning = true;
    try {
      const deleted = await cleanUpPublished(this.requirePool(), this.config.retentionMs);
      if (deleted > 0) this.log.debug('deleted published rows past retention', { deleted });
    } catch (error) {
      this.log.warn('retention cleanup failed; will retry', { error });
    } finally {
      this.cleaning = false;
    }
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }

  private requirePool(): Pool {
    if (!this.pool) throw new SagaflowError('DATABASE_UNAVAILABLE', 'the relay is not started');
    return this.pool;
  }

  private kafkaLog({ namespace, label, log }: LogEntry): void {
    const { message, ...fields } = log;
    this.log.warn(`kafkajs: ${message}`, { component: 'kafkajs', namespace, kafkaLevel: label, ...fields });
  }
}

interface TrackedPromise {
  promise: Promise<void>;
  settled: boolean;
}

function track(promise: Promise<void>): TrackedPromise {
  const tracked: TrackedPromise = { promise, settled: false };
  promise.then(
    () => (tracked.settled = true),
    () => (tracked.settled = true),
  );
  return tracked;
}

function classify(error: unknown): SagaflowError {
  if (error instanceof SagaflowError) return error;
  return new SagaflowError('DATABASE_UNAVAILABLE', (error as Error)?.message ?? String(error), {
    retriable: true,
    cause: error,
  });
}
