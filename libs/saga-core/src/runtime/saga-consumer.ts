import { DefinitionError, SagaflowError } from '@sagaflow/outbox-relay';
import type { ConsumingTransaction } from '../consume/consuming-transaction';
import type { IncomingMessage } from '../engine/saga-outcome';
import { applySagaOutcome, type OutcomeHooks } from './apply-saga-outcome';
import type { ApplyResult, RecordConsumer } from './record-consumer';
import type { RetrySettings } from './retry-in-fresh-transactions';
import type { SagaRegistry, SagaTypeVersions } from './saga-registry';
import { versionGap } from './version-gap-error';

/**
 * The inbox consumer of one saga type: finds the instance by (type, key) — its correlation key or a key it
 * associated — lets the engine of the instance's definition version decide, and writes the outcome.
 */
export class SagaConsumer implements RecordConsumer {
  readonly name: string;
  readonly origin: string;
  readonly retry: RetrySettings;
  private readonly versions: SagaTypeVersions;

  constructor(
    service: string,
    readonly sagaType: string,
    private readonly registry: SagaRegistry,
    private readonly hooks?: OutcomeHooks,
  ) {
    this.versions = registry.versions(sagaType)!;
    this.name = `${service}:saga:${sagaType}`;
    this.origin = `Saga ${this.versions.latest.definition.className}`;
    this.retry = this.versions.latest.definition.retry;
  }

  instanceOf(message: IncomingMessage): { type: string; correlationKey: string } | undefined {
    return this.stuckTarget(message);
  }

  async apply(tx: ConsumingTransaction, message: IncomingMessage, now: Date): Promise<ApplyResult> {
    const key = this.correlationKey(message);
    const instance = await tx.instance(this.sagaType, key);
    const base = { sagaType: this.sagaType, sagaId: instance?.id };
    let engine = this.versions.latest;
    if (instance) {
      const own = this.versions.engines.get(instance.definitionVersion);
      if (!own && instance.definitionVersion > this.versions.latest.definition.version)
        throw versionGap(this.sagaType, instance, [...this.versions.engines.keys()]);
      if (!own) {
        throw new DefinitionError(
          `saga ${this.sagaType} ${instance.id} started on definition version ${instance.definitionVersion}, which this service no longer registers (registered: ${[...this.versions.engines.keys()].join(', ')}); keep that version's class in forFeature until its instances end`,
          { sagaType: this.sagaType, sagaId: instance.id },
        );
      }
      engine = own;
    }
    if (!engine.handles(message.type)) {
      const reason = instance
        ? `instance ${instance.id} runs ${this.sagaType} v${instance.definitionVersion}, which does not handle ${message.type}`
        : `no ${this.sagaType} instance has key ${key}, and only older versions handle ${message.type}`;
      return { ...base, outcome: instance ? 'ignored' : 'discarded', reason };
    }
    const outcome = engine.handleMessage(instance, message, now);
    const missing = outcome.missingInstance;
    if (missing?.policy === 'fault') {
      throw new SagaflowError('NO_SAGA_INSTANCE', missing.reason, {
        retriable: true,
        context: { sagaType: this.sagaType, correlationKey: key, messageId: message.headers.messageId },
      });
    }
    if (missing?.policy === 'discard') return { ...base, outcome: 'discarded', reason: missing.reason };
    if (missing?.policy === 'execute') {
      tx.emit(
        missing.send.map((m) => ({
          type: m.type,
          payload: m.payload,
          correlationId: message.headers.correlationId,
          causationId: message.headers.messageId,
          sagaType: this.sagaType,
          traceparent: message.headers.traceparent,
        })),
      );
      return { ...base, outcome: 'applied', reason: missing.reason };
    }
    await applySagaOutcome(
      tx,
      outcome,
      { messageId: message.headers.messageId, traceparent: message.headers.traceparent },
      this.hooks,
    );
    return {
      sagaType: this.sagaType,
      sagaId: outcome.instance?.id ?? instance?.id,
      outcome: outcome.ignored ? 'ignored' : 'applied',
      reason: outcome.ignored?.reason,
      transitions: outcome.lifecycle.map((t) => t.transition),
    };
  }

  stuckTarget(message: IncomingMessage): { type: string; correlationKey: string } | undefined {
    try {
      return { type: this.sagaType, correlationKey: this.correlationKey(message) };
    } catch {
      return undefined;
    }
  }

  private correlationKey(message: IncomingMessage): string {
    const engine = this.registry.correlating(this.sagaType, message.type);
    if (!engine)
      throw new SagaflowError('UNKNOWN_MESSAGE_TYPE', `${this.origin} has no handler for ${message.type}`);
    return engine.correlationKey(message);
  }
}
