import type { OutboxEntry, OutboxWriter, PreparedOutboxEntry } from '@sagaflow/outbox-relay';
import type { PoolClient } from 'pg';
import type { SagaInstance } from '../engine/saga-instance';
import { instanceKey, loadInstances } from '../store/load-instances';
import { loadInstance } from '../store/load-instance';

/**
 * One open transaction that applies one or many messages (or a deadline): the client, the outbox rows
 * its messages emit, written with one statement just before the commit, and the saga instances it has
 * read or saved, so a batch loads its instances in one query and a second message for one instance sees
 * the first one's change without reading it back.
 */
export class ConsumingTransaction {
  private readonly outbox: PreparedOutboxEntry[] = [];
  // null: known to have no instance; absent: not read yet
  private readonly instances = new Map<string, SagaInstance | null>();

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

  /** Writes the queued outbox rows (one statement); called once, just before the commit. */
  async flush(): Promise<void> {
    const rows = this.outbox.splice(0);
    await this.writer.write(this.client, rows);
  }
}
