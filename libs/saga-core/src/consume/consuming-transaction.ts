import {
  ConcurrencyConflictError,
  type OutboxEntry,
  type OutboxWriter,
  type PreparedOutboxEntry,
} from '@sagaflow/outbox-relay';
import type { PoolClient } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';
import type { DeadlineRequest } from '../engine/saga-outcome';
import { loadInstance, loadInstanceById } from '../store/load-instance';
import { instanceKey, type InstancePair } from '../store/record-inbox-and-load';
import { writeInstanceChanges, type DeadlineChange } from '../store/write-instance-changes';

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
 * change, written set-based just before the commit — the saga instances they start and change
 * (version-checked) with their deadline changes, in one statement, and the outbox rows, in one; and the
 * instances it has read or saved, so a batch loads its instances in one query and a second message for
 * one instance sees the first one's change without reading it back.
 */
export class ConsumingTransaction {
  private readonly outbox: PreparedOutboxEntry[] = [];
  // null: known to have no instance; absent: not read yet
  private readonly instances = new Map<string, SagaInstance | null>();
  // by instance id: the instances this transaction starts, and the message that started each
  private readonly inserts = new Map<string, { instance: SagaInstance; unit: number }>();
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

  /** Queues entries already prepared (validated, ids given) by another transaction object. */
  queue(prepared: readonly PreparedOutboxEntry[]): void {
    this.outbox.push(...prepared);
  }

  /** How many entries were queued so far: a mark for {@link ConsumingTransaction.emittedSince}. */
  get emittedCount(): number {
    return this.outbox.length;
  }

  /** The entries queued since `mark` (an {@link ConsumingTransaction.emittedCount}), in order. */
  emittedSince(mark: number): readonly PreparedOutboxEntry[] {
    return this.outbox.slice(mark);
  }

  /** Caches what a statement of the transaction read: the instances of these pairs, absent or not. */
  preloaded(pairs: readonly InstancePair[], found: ReadonlyMap<string, SagaInstance>): void {
    for (const p of pairs) {
      const key = instanceKey(p.type, p.correlationKey);
      if (!this.instances.has(key)) this.instances.set(key, this.latest(found.get(key)) ?? null);
    }
  }

  /** The instance of (type, correlation key) as this transaction last saw or saved it. */
  async instance(type: string, correlationKey: string): Promise<SagaInstance | undefined> {
    const key = instanceKey(type, correlationKey);
    const known = this.instances.get(key);
    if (known !== undefined) return known ?? undefined;
    const loaded = this.latest(await loadInstance(this.client, type, correlationKey));
    this.instances.set(key, loaded ?? null);
    return loaded;
  }

  /** The instance with this id as this transaction last saw or saved it (an operator command names it so). */
  async instanceById(id: string): Promise<SagaInstance | undefined> {
    for (const known of this.instances.values()) if (known?.id === id) return known;
    const loaded = await loadInstanceById(this.client, id);
    if (loaded) this.instances.set(instanceKey(loaded.type, loaded.correlationKey), loaded);
    return loaded;
  }

  // Read mid-transaction by a key not seen yet (an associated one), a stored row can be older than what
  // this transaction already changed and holds under another key: the newer one wins.
  private latest(read: SagaInstance | undefined): SagaInstance | undefined {
    if (!read) return read;
    for (const known of this.instances.values()) if (known?.id === read.id) return known;
    return read;
  }

  /** Records the instance as saved by this transaction. */
  saved(instance: SagaInstance): void {
    this.instances.set(instanceKey(instance.type, instance.correlationKey), instance);
    // an instance found by an associated key is cached under that key too: keep every entry current
    for (const [key, known] of this.instances)
      if (known && known.id === instance.id && known !== instance) this.instances.set(key, instance);
  }

  /** Queues the insert of a new instance (its associations, if any, are written at once by the caller). */
  insert(instance: SagaInstance): void {
    this.inserts.set(instance.id, { instance, unit: this.unit });
    this.saved(instance);
  }

  /** Queues the update of an existing instance (`instance.version` is the stored one + 1). */
  update(instance: SagaInstance): void {
    const started = this.inserts.get(instance.id);
    if (started) {
      // started in this transaction: its insert carries the latest state
      started.instance = instance;
      this.saved(instance);
      return;
    }
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
   * Writes what was queued — instance inserts and updates with their deadline changes (one statement), the
   * outbox rows (one) — just before the commit.
   * @throws DeferredConflictError naming the first message whose instance another transaction saved, or
   * started, first.
   */
  async flush(): Promise<void> {
    const inserts = [...this.inserts.values()];
    const updates = [...this.updates.values()];
    const deadlines = [...this.deadlines.values()];
    this.inserts.clear();
    this.updates.clear();
    this.deadlines.clear();
    const written = await writeInstanceChanges(this.client, {
      inserts: inserts.map((n) => n.instance),
      updates,
      deadlines,
    });
    const lost = [
      ...inserts
        .filter((n) => !written.inserted.has(n.instance.id))
        .map((n) => ({
          unit: n.unit,
          message: `another transaction started saga ${n.instance.type} for correlation key ${n.instance.correlationKey} first`,
          context: { sagaType: n.instance.type, correlationKey: n.instance.correlationKey },
        })),
      ...updates
        .filter((u) => !written.updated.has(u.instance.id))
        .map((u) => ({
          unit: u.unit,
          message: `saga ${u.instance.type} ${u.instance.id} was changed by another transaction (expected version ${u.expected})`,
          context: { sagaType: u.instance.type, sagaId: u.instance.id, expectedVersion: u.expected },
        })),
    ].sort((a, b) => a.unit - b.unit)[0];
    if (lost) throw new DeferredConflictError(lost.message, lost.unit, lost.context);
    const rows = this.outbox.splice(0);
    await this.writer.write(this.client, rows);
  }
}
