import {
  ConcurrencyConflictError,
  type OutboxEntry,
  type OutboxWriter,
  type PreparedOutboxEntry,
} from '@sagaflow/outbox-relay';
import type { PoolClient } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';
import type { DeadlineRequest } from '../engine/saga-outcome';
import { changeDeadlines, type DeadlineChange } from '../store/change-deadlines';
import { instanceKey, loadInstances } from '../store/load-instances';
import { updateInstances } from '../store/update-instances';
import { loadInstance } from '../store/load-instance';

/** A version check that failed when a batch's instance updates were written; names the unit that read it. */
export class DeferredConflictError extends ConcurrencyConflictError {
  constructor(
    message: string,
    /** The position, in its batch, of the first message that changed the instance. */
    readonly unit: number,
    context: Record<string, unknown>,
  ) {
    super(message, context);
  }
}

/**
 * One open transaction that applies one or many messages (or a deadline): the client; what its messages
 * change, written set-based just before the commit — the updates of existing saga instances (one
 * version-checked statement), their deadline changes (at most two), the outbox rows (one); and the
 * instances it has read or saved, so a batch loads its instances in one query and a second message for
 * one instance sees the first one's change without reading it back.
 */
export class ConsumingTransaction {
  private readonly outbox: PreparedOutboxEntry[] = [];
  // null: known to have no instance; absent: not read yet
  private readonly instances = new Map<string, SagaInstance | null>();
  // by instance id: the version it had when this transaction first changed it, and who did
  private readonly updates = new Map<string, { instance: SagaInstance; expected: number; unit: number }>();
  // by saga id and name: the last change wins
  private readonly deadlines = new Map<string, DeadlineChange>();
  /** The position, in its batch, of the message being applied (set by the batch). */
  unit = 0;

  constructor(
    readonly client: PoolClient,
    private readonly writer: OutboxWriter,
  ) {}

  /**
   * Validates entries and queues them for the outbox of this transaction.
   * @returns their message ids, in order.
   * @throws MessageValidationError naming the entry and field at fault (nothing is queued then).
   */
  emit(entries: readonly OutboxEntry[]): string[] {
    const prepared = this.writer.prepare(entries);
    this.outbox.push(...prepared);
    return prepared.map((p) => p.entry.messageId!);
  }

  /** Reads the instances of these pairs in one query, for the messages of a batch. */
  async preload(pairs: readonly { type: string; correlationKey: string }[]): Promise<void> {
    const wanted = pairs.filter((p) => !this.instances.has(instanceKey(p.type, p.correlationKey)));
    if (wanted.length === 0) return;
    const found = await loadInstances(this.client, wanted);
    for (const p of wanted) {
      const key = instanceKey(p.type, p.correlationKey);
      this.instances.set(key, found.get(key) ?? null);
    }
  }

  /** The instance of (type, correlation key) as this transaction last saw or saved it. */
  async instance(type: string, correlationKey: string): Promise<SagaInstance | undefined> {
    const key = instanceKey(type, correlationKey);
    const known = this.instances.get(key);
    if (known !== undefined) return known ?? undefined;
    const loaded = await loadInstance(this.client, type, correlationKey);
    this.instances.set(key, loaded ?? null);
    return loaded;
  }

  /** Records the instance as saved by this transaction. */
  saved(instance: SagaInstance): void {
    this.instances.set(instanceKey(instance.type, instance.correlationKey), instance);
    // an instance found by an associated key is cached under that key too: keep every entry current
    for (const [key, known] of this.instances)
      if (known && known.id === instance.id && known !== instance) this.instances.set(key, instance);
  }

  /** Queues the update of an existing instance (`instance.version` is the stored one + 1). */
  update(instance: SagaInstance): void {
    const earlier = this.updates.get(instance.id);
    this.updates.set(instance.id, {
      instance,
      expected: earlier?.expected ?? instance.version - 1,
      unit: earlier?.unit ?? this.unit,
    });
    this.saved(instance);
  }

  /** Queues an instance's deadline changes. */
  changeDeadlines(
    sagaId: string,
    sagaType: string,
    schedule: readonly DeadlineRequest[],
    cancel: readonly string[],
  ): void {
    for (const name of cancel)
      this.deadlines.set(`${sagaId}\u0000${name}`, { sagaId, sagaType, name, dueAt: null });
    for (const d of schedule)
      this.deadlines.set(`${sagaId}\u0000${d.name}`, { sagaId, sagaType, name: d.name, dueAt: d.dueAt });
  }

  /**
   * Writes what was queued — instance updates, deadline changes, outbox rows — just before the commit.
   * @throws DeferredConflictError naming the first message that changed an instance someone else saved.
   */
  async flush(): Promise<void> {
    const updates = [...this.updates.values()];
    this.updates.clear();
    const saved = await updateInstances(this.client, updates);
    const lost = updates.filter((u) => !saved.has(u.instance.id)).sort((a, b) => a.unit - b.unit)[0];
    if (lost) {
      const i = lost.instance;
      throw new DeferredConflictError(
        `saga ${i.type} ${i.id} was changed by another transaction (expected version ${lost.expected})`,
        lost.unit,
        { sagaType: i.type, sagaId: i.id, expectedVersion: lost.expected },
      );
    }
    const deadlines = [...this.deadlines.values()];
    this.deadlines.clear();
    await changeDeadlines(this.client, deadlines);
    const rows = this.outbox.splice(0);
    await this.writer.write(this.client, rows);
  }
}
