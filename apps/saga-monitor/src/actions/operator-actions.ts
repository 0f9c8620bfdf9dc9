import {
  DeadLetterHeader,
  Header,
  newMessageId,
  type MessageCodec,
  type MessageType,
} from '@sagaflow/outbox-relay';
import type { IHeaders, Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import type { ActionPerformer, ActionResult } from '../http/action-route';
import type { MonitorLogger } from '../logging/monitor-logger';
import { ActionRefused, type ActionRequest } from './action-request';
import { insertAction, resolvingAction, setOutcome, type StoredAction } from './action-store';
import { auditMessageType } from './audit-message';
import { fetchRecord, type FetchedRecord } from './fetch-record';
import { operatorCommandType, type OperatorCommand } from './operator-command-types';

/** What {@link OperatorActions} needs. */
export interface OperatorActionsDeps {
  pool: Pool;
  kafka: Kafka;
  /** Connected; used for retried records, operator commands and audit records. */
  producer: Producer;
  codec: MessageCodec;
  /** `<prefix>sagaflow.audit`. */
  auditTopic: string;
  /** The framework prefix for `<prefix>sagaflow.<service>.operator`. */
  frameworkPrefix: string;
  /** Creates a topic when missing (the audit topic, a service's operator topic). */
  ensureTopic: (topic: string) => Promise<void>;
  logger: MonitorLogger;
  /** Reads one record by position; the default reads it from Kafka. */
  readRecord?: typeof fetchRecord;
  now?: () => Date;
}

const deadLetterHeaderNames: ReadonlySet<string> = new Set(Object.values(DeadLetterHeader));

/**
 * The operator actions (docs/decisions/0061-operator-actions.md). Each is recorded before it is sent and
 * published as an audit record after. Retrying a dead letter is done here: the record goes back to its
 * original topic byte for byte, with its headers and message-id (it was never applied, so the consumer's
 * inbox lets it through once). Resume and cancel go to the owning service as framework commands; the
 * monitor never writes a service's database.
 */
export class OperatorActions implements ActionPerformer {
  private readonly now: () => Date;
  private readonly readRecord: typeof fetchRecord;

  constructor(private readonly deps: OperatorActionsDeps) {
    this.now = deps.now ?? (() => new Date());
    this.readRecord = deps.readRecord ?? fetchRecord;
  }

  async perform(sagaId: string, request: ActionRequest): Promise<ActionResult> {
    const saga = await this.saga(sagaId);
    const base: StoredAction = {
      actionId: newMessageId(),
      sagaId,
      sagaType: saga.saga_type,
      correlationId: saga.correlation_id,
      action: request.action,
      operator: request.operator,
      reason: request.reason,
      requestedAt: this.now().toISOString(),
      outcome: 'publishing',
      error: null,
      targetTopic: null,
      deadLetter: null,
    };
    switch (request.action) {
      case 'retry-dead-letter':
      case 'discard-dead-letter': {
        const dl = await this.deadLetter(saga.correlation_id, request.deadLetter);
        const earlier = await resolvingAction(this.deps.pool, request.deadLetter);
        if (earlier)
          throw new ActionRefused(
            409,
            `this dead letter was already handled: ${earlier.action} by ${earlier.operator} at ${earlier.requestedAt}`,
          );
        const action: StoredAction = {
          ...base,
          deadLetter: request.deadLetter,
          targetTopic: request.action === 'retry-dead-letter' ? dl.original_topic : null,
        };
        if (request.action === 'discard-dead-letter') {
          // nothing to send: the decision itself is the action
          return this.run({ ...action }, async () => undefined, 'done');
        }
        return this.run(
          action,
          async () => {
            const record = await this.readRecord(this.deps.kafka, request.deadLetter);
            await this.republish(record, dl.original_topic, dl.original_partition);
          },
          'done',
        );
      }
      case 'resume':
      case 'cancel': {
        if (saga.ended_at !== null)
          throw new ActionRefused(
            409,
            `saga ${sagaId} has already ended (${saga.status}): nothing to ${request.action}`,
          );
        if (request.action === 'cancel' && saga.status !== 'RUNNING')
          throw new ActionRefused(
            409,
            `saga ${sagaId} is ${saga.status}, not RUNNING: it is compensating already`,
          );
        const service = await this.owningService(saga.saga_type);
        const type: MessageType<OperatorCommand> = operatorCommandType(
          request.action,
          service,
          this.deps.frameworkPrefix,
        );
        const action: StoredAction = { ...base, targetTopic: type.topic };
        return this.run(
          action,
          async () => {
            await this.deps.ensureTopic(type.topic);
            const command: OperatorCommand = {
              actionId: action.actionId,
              sagaId,
              sagaType: saga.saga_type,
              operator: action.operator,
              reason: action.reason,
              requestedAt: action.requestedAt,
            };
            type.validate(command);
            await this.deps.producer.send({
              topic: type.topic,
              acks: -1,
              messages: [
                {
                  key: type.key(command),
                  value: await this.deps.codec.encode(type, command),
                  headers: this.headers(action, type.name),
                },
              ],
            });
          },
          'pending',
        );
      }
    }
  }

  /** Records, performs, records the outcome, and publishes the audit record (also of a failure). */
  private async run(
    action: StoredAction,
    perform: () => Promise<void>,
    success: 'done' | 'pending',
  ): Promise<ActionResult> {
    await insertAction(this.deps.pool, action);
    try {
      await perform();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await setOutcome(this.deps.pool, action.actionId, 'failed', message);
      await this.audit({ ...action, outcome: 'failed', error: message });
      this.deps.logger.log('warn', 'operator action failed', { actionId: action.actionId, error: message });
      throw error instanceof ActionRefused
        ? error
        : new ActionRefused(503, `${action.action} failed: ${message}`);
    }
    await setOutcome(this.deps.pool, action.actionId, success, null);
    const done = { ...action, outcome: success };
    await this.audit(done);
    this.deps.logger.log('info', 'operator action', {
      actionId: action.actionId,
      action: action.action,
      sagaId: action.sagaId,
      operator: action.operator,
      outcome: success,
    });
    return { status: success === 'done' ? 200 : 202, body: { action: done } };
  }

  private async audit(a: StoredAction): Promise<void> {
    const type = auditMessageType(this.deps.auditTopic);
    const record = {
      actionId: a.actionId,
      action: a.action,
      sagaId: a.sagaId,
      sagaType: a.sagaType,
      correlationId: a.correlationId,
      operator: a.operator,
      reason: a.reason,
      requestedAt: a.requestedAt,
      outcome: a.outcome,
      targetTopic: a.targetTopic,
      deadLetter: a.deadLetter
        ? `${a.deadLetter.topic}/${a.deadLetter.partition}/${a.deadLetter.offset}`
        : null,
      error: a.error,
    };
    try {
      await this.deps.ensureTopic(type.topic);
      await this.deps.producer.send({
        topic: type.topic,
        acks: -1,
        messages: [
          {
            key: type.key(record),
            value: await this.deps.codec.encode(type, record),
            // each audit record is its own fact: the outcome record has a message-id of its own
            headers: this.headers({ ...a, actionId: newMessageId() }, type.name, a.actionId),
          },
        ],
      });
    } catch (error) {
      // the database row is the record of truth; a lost audit record is logged, never hidden
      this.deps.logger.log('error', 'audit record not published', {
        actionId: a.actionId,
        error: String(error),
      });
    }
  }

  private headers(a: StoredAction, messageType: string, causationId?: string): Record<string, string> {
    return {
      [Header.messageId]: a.actionId,
      [Header.messageType]: messageType,
      [Header.correlationId]: a.correlationId ?? a.sagaId,
      ...(causationId ? { [Header.causationId]: causationId } : {}),
      [Header.sagaType]: a.sagaType,
      [Header.source]: 'saga-monitor',
      [Header.occurredAt]: a.requestedAt,
      [Header.contentType]: this.deps.codec.contentType,
    };
  }

  private async republish(record: FetchedRecord, topic: string, partition: number | null): Promise<void> {
    const headers: IHeaders = {};
    for (const [name, value] of Object.entries(record.headers))
      if (!deadLetterHeaderNames.has(name) && value !== undefined) headers[name] = value;
    await this.deps.producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: record.key,
          value: record.value,
          headers,
          // the partition it failed on keeps its key's order; unknown, the key decides
          ...(partition !== null ? { partition } : {}),
        },
      ],
    });
  }

  private async saga(sagaId: string) {
    const r = await this.deps.pool.query<{
      saga_type: string;
      correlation_id: string | null;
      status: string;
      ended_at: Date | null;
    }>(`select saga_type, correlation_id, status, ended_at from monitor.saga where saga_id = $1`, [sagaId]);
    const saga = r.rows[0];
    if (!saga) throw new ActionRefused(404, `no saga ${sagaId} in the projection`);
    return saga;
  }

  private async deadLetter(
    correlationId: string | null,
    at: { topic: string; partition: number; offset: string },
  ) {
    const r = await this.deps.pool.query<{
      original_topic: string | null;
      original_partition: number | null;
    }>(
      /* sql */ `select original_topic, original_partition from monitor.dead_letter
       where topic = $1 and partition = $2 and "offset" = $3 and correlation_id is not distinct from $4`,
      [at.topic, at.partition, at.offset, correlationId],
    );
    const dl = r.rows[0];
    if (!dl)
      throw new ActionRefused(404, `no dead letter ${at.topic}/${at.partition}/${at.offset} of this saga`);
    return {
      original_topic: dl.original_topic ?? at.topic.replace(/\.dlt$/, ''),
      original_partition: dl.original_partition,
    };
  }

  private async owningService(sagaType: string): Promise<string> {
    const r = await this.deps.pool.query<{ service: string }>(
      /* sql */ `select service from monitor.definition where key = $1 order by "offset" desc limit 1`,
      [`saga:${sagaType}`],
    );
    const service = r.rows[0]?.service;
    if (!service)
      throw new ActionRefused(
        409,
        `no definition of saga type ${sagaType} has been published on sagaflow.definitions, so the service that owns it is unknown`,
      );
    return service;
  }
}
