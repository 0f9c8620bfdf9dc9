import { versionGap } from '../runtime/version-gap-error';
import { DefinitionError, isUuid } from '@sagaflow/outbox-relay';
import type { ConsumingTransaction } from '../consume/consuming-transaction';
import type { IncomingMessage } from '../engine/saga-outcome';
import type { OperatorCommandFields } from '../lifecycle/operator-commands';
import { applySagaOutcome, type OutcomeHooks } from '../runtime/apply-saga-outcome';
import type { ApplyResult, RecordConsumer } from '../runtime/record-consumer';
import type { RetrySettings } from '../runtime/retry-in-fresh-transactions';
import type { SagaRegistry } from '../runtime/saga-registry';

/**
 * The inbox consumer of the service's operator commands (`sagaflow.CancelSaga`, `sagaflow.ResumeSaga` on
 * `sagaflow.<service>.operator`, docs/decisions/0076): finds the saga by the id the command names, lets
 * the engine of its definition version decide, and writes the outcome in the consuming transaction, like
 * a saga's own message. Its inbox row (consumer `<service>:operator`, message-id = the action id) makes a
 * re-sent action apply once. A command for no saga of this service is discarded with why (logged,
 * counted); one with no effect comes back ignored with why; neither is retried.
 */
export class OperatorCommandConsumer implements RecordConsumer {
  readonly name: string;
  readonly origin: string;

  constructor(
    readonly service: string,
    private readonly registry: SagaRegistry,
    readonly retry: RetrySettings,
    private readonly hooks?: OutcomeHooks,
  ) {
    this.name = `${service}:operator`;
    this.origin = `operator commands of ${service}`;
  }

  async apply(tx: ConsumingTransaction, message: IncomingMessage, now: Date): Promise<ApplyResult> {
    const command = message.payload as OperatorCommandFields;
    const base = { sagaType: command.sagaType, sagaId: command.sagaId };
    const versions = this.registry.versions(command.sagaType);
    if (!versions)
      return {
        ...base,
        outcome: 'discarded',
        reason: `service ${this.service} hosts no saga type ${command.sagaType} (action ${command.actionId})`,
      };
    const instance = isUuid(command.sagaId) ? await tx.instanceById(command.sagaId) : undefined;
    if (!instance || instance.type !== command.sagaType)
      return {
        ...base,
        outcome: 'discarded',
        reason: `no ${command.sagaType} saga ${command.sagaId} in service ${this.service} (action ${command.actionId})`,
      };
    const engine = versions.engines.get(instance.definitionVersion);
    if (!engine && instance.definitionVersion > versions.latest.definition.version)
      throw versionGap(instance.type, instance, [...versions.engines.keys()]);
    if (!engine) {
      throw new DefinitionError(
        `saga ${instance.type} ${instance.id} started on definition version ${instance.definitionVersion}, which this service no longer registers (registered: ${[...versions.engines.keys()].join(', ')}); keep that version's class in forFeature until its instances end`,
        { sagaType: instance.type, sagaId: instance.id },
      );
    }
    const outcome = engine.handleOperatorCommand(
      instance,
      message as IncomingMessage<OperatorCommandFields>,
      now,
    );
    await applySagaOutcome(
      tx,
      outcome,
      { messageId: message.headers.messageId, traceparent: message.headers.traceparent },
      this.hooks,
    );
    return {
      ...base,
      outcome: outcome.ignored ? 'ignored' : 'applied',
      reason: outcome.ignored?.reason,
      transitions: outcome.lifecycle.map((t) => t.transition),
    };
  }
}
