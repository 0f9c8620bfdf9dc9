import { setTimeout as sleep } from 'node:timers/promises';
import { DefinitionError, type OutboxWriter, type SagaflowError } from '@sagaflow/outbox-relay';
import type { Pool, PoolClient } from 'pg';
import type { SagaflowLogger } from '../observability/json-logger';
import type { SagaflowMetrics } from '../observability/sagaflow-metrics';
import { claimDueDeadline, type ClaimedDeadline } from '../store/claim-due-deadline';
import { loadInstanceById } from '../store/load-instance';
import { markStuck } from '../store/mark-stuck';
import { ConsumingTransaction } from '../consume/consuming-transaction';
import type { TransactionGate } from '../consume/transaction-gate';
import { applySagaOutcome, type OutcomeHooks } from './apply-saga-outcome';
import { toSagaflowError } from './classify-error';
import { inTransaction } from './in-transaction';
import type { SagaRegistry } from './saga-registry';
import { versionGap } from './version-gap-error';
import { VersionGapClock } from '../consume/version-gap-clock';

/** What {@link DeadlineScheduler} needs. */
export interface DeadlineSchedulerDeps {
  pool: Pool;
  registry: SagaRegistry;
  writer: OutboxWriter;
  pollIntervalMs: number;
  batchSize: number;
  logger: SagaflowLogger;
  metrics: SagaflowMetrics;
  /** The service's `@OnSagaTransition` followers, called in the deadline's transaction. */
  hooks?: OutcomeHooks;
  /** Called after a deadline's transaction committed: wakes the relay. */
  committed?: () => void;
  /** Shared with the consumer, so a deadline and a batch never hold each other's row locks. */
  gate?: TransactionGate;
  /**
   * How long a deadline of an instance whose definition version this replica lacks is left for a replica
   * that has it (postponed, not marked stuck) before it fails like any other (default 5m, decision 0069).
   */
  versionGapTimeoutMs?: number;
}

/**
 * Fires due saga deadlines (timeouts of sagas, steps and compensations, and `@OnDeadline` handlers). Each
 * deadline is claimed with `FOR UPDATE SKIP LOCKED` and handled in that same transaction, with the same
 * save/outbox logic as a message, so several service instances can run the scheduler at once and each
 * deadline fires once. A deadline that fails (a conflict with a message being handled, a handler error)
 * is postponed by the saga's backoff and tried again; a failing one marks the instance stuck.
 */
export class DeadlineScheduler {
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly gaps = new VersionGapClock();

  constructor(private readonly d: DeadlineSchedulerDeps) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  /** Fires every deadline due now, one transaction each. @returns how many fired. */
  async fireDue(limit = this.d.batchSize): Promise<number> {
    let fired = 0;
    while (fired < limit && !this.abort.signal.aborted) {
      const box: { claimed?: ClaimedDeadline } = {};
      try {
        const fire = () =>
          inTransaction(this.d.pool, async (client) => {
            const now = new Date();
            box.claimed = await claimDueDeadline(client, now);
            if (box.claimed) await this.fire(client, box.claimed, now);
          });
        await (this.d.gate ? this.d.gate.run(fire) : fire());
      } catch (error) {
        await this.failed(error, box.claimed);
        return fired;
      }
      if (!box.claimed) return fired;
      this.d.committed?.();
      fired++;
    }
    return fired;
  }

  private async fire(client: PoolClient, deadline: ClaimedDeadline, now: Date): Promise<void> {
    const instance = await loadInstanceById(client, deadline.sagaId);
    if (!instance) return; // the row cascades away with its instance; nothing to do
    const versions = this.d.registry.versions(instance.type);
    const engine = versions?.engines.get(instance.definitionVersion);
    if (!engine && versions && instance.definitionVersion > versions.latest.definition.version)
      throw versionGap(instance.type, instance, [...versions.engines.keys()]);
    if (!engine) {
      throw new DefinitionError(
        `deadline ${deadline.name} of saga ${instance.type} ${instance.id}: definition version ${instance.definitionVersion} is not registered in this service`,
        { sagaId: instance.id },
      );
    }
    const outcome = engine.handleDeadline(
      instance,
      { sagaId: deadline.sagaId, name: deadline.name, dueAt: deadline.dueAt },
      now,
    );
    const tx = new ConsumingTransaction(client, this.d.writer);
    await applySagaOutcome(tx, outcome, {}, this.d.hooks);
    await tx.flush();
    this.gaps.forget(`${deadline.sagaId}|${deadline.name}`);
    this.d.metrics.deadlineFired(instance.type, 'applied');
    this.d.metrics.transitions(
      instance.type,
      outcome.lifecycle.map((t) => t.transition),
    );
    this.d.logger.info('deadline fired', {
      correlationId: instance.correlationId,
      sagaId: instance.id,
      sagaType: instance.type,
      deadline: deadline.name,
      dueAt: deadline.dueAt.toISOString(),
      transitions: outcome.lifecycle.map((t) => t.transition),
      ignored: outcome.ignored?.reason,
    });
  }

  private async failed(raw: unknown, deadline: ClaimedDeadline | undefined): Promise<void> {
    const error = toSagaflowError(
      raw,
      deadline ? `deadline ${deadline.name} of saga ${deadline.sagaId}` : 'deadline scheduler',
    );
    if (!deadline) {
      this.d.logger.warn('deadline scheduler could not poll', { error });
      return;
    }
    if (error.code === 'DEFINITION_VERSION_GAP' && (await this.leftForAnotherReplica(deadline, error)))
      return;
    const conflict = error.code === 'CONCURRENCY_CONFLICT';
    this.d.metrics.deadlineFired(deadline.sagaType, conflict ? 'conflict' : 'failed');
    const retry = this.d.registry.versions(deadline.sagaType)?.latest.definition.retry;
    const delayMs = conflict ? 0 : (retry?.maxBackoffMs ?? 5_000);
    this.d.logger[conflict ? 'info' : 'error'](
      conflict ? 'deadline met a concurrent change, retrying' : 'deadline failed, postponed',
      {
        sagaId: deadline.sagaId,
        sagaType: deadline.sagaType,
        deadline: deadline.name,
        delayMs,
        error,
      },
    );
    if (conflict) return;
    await inTransaction(this.d.pool, async (client) => {
      await client.query(
        /* sql */ `update sagaflow.saga_deadline set due_at = now() + make_interval(secs => $3::double precision / 1000)
                    where saga_id = $1 and name = $2`,
        [deadline.sagaId, deadline.name, delayMs],
      );
      await markStuck(client, { sagaId: deadline.sagaId }, error.code, error.message);
    }).catch((e: unknown) => this.d.logger.warn('could not postpone the failed deadline', { error: e }));
  }

  /**
   * A deadline of an instance a newer release started: postponed for a replica that has its version, not
   * marked stuck, until `versionGapTimeoutMs` after this replica first met it; then it fails as any other.
   * @returns whether it was left for another replica.
   */
  private async leftForAnotherReplica(deadline: ClaimedDeadline, error: SagaflowError): Promise<boolean> {
    const key = `${deadline.sagaId}|${deadline.name}`;
    const heldMs = Date.now() - this.gaps.since(key, Date.now());
    const boundMs = this.d.versionGapTimeoutMs ?? 300_000;
    if (heldMs >= boundMs) {
      this.gaps.forget(key);
      return false;
    }
    const delayMs = Math.max(this.d.pollIntervalMs, 1_000);
    this.d.metrics.deadlineFired(deadline.sagaType, 'version_gap');
    this.d.logger.warn('version gap: deadline left for a replica that has the definition version', {
      sagaId: deadline.sagaId,
      sagaType: deadline.sagaType,
      deadline: deadline.name,
      ...error.context,
      heldMs,
      versionGapTimeoutMs: boundMs,
      delayMs,
    });
    await inTransaction(this.d.pool, (client) =>
      client.query(
        /* sql */ `update sagaflow.saga_deadline set due_at = now() + make_interval(secs => $3::double precision / 1000)
                    where saga_id = $1 and name = $2`,
        [deadline.sagaId, deadline.name, delayMs],
      ),
    ).catch((e: unknown) => this.d.logger.warn('could not postpone the deadline', { error: e }));
    return true;
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const fired = await this.fireDue().catch((error: unknown) => {
        this.d.logger.warn('deadline scheduler failed', { error });
        return 0;
      });
      if (fired >= this.d.batchSize) continue;
      await sleep(this.d.pollIntervalMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
    }
  }
}
