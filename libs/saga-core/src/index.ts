/**
 * @sagaflow/saga-core — process-manager sagas as decorated NestJS classes: persisted, effectively-once,
 * compensating in reverse; participants and reactions with the same guarantees.
 *
 * @example
 * const orderSteps = sagaSteps<OrderState>()
 *   .step('reserveStock', ReserveStock, (s) => ({ orderId: s.orderId, items: s.items }), { timeout: '10s' })
 *   .compensatedBy(ReleaseStock, (s) => ({ orderId: s.orderId }))
 *   .step('approveOrder', ApproveOrder, (s) => ({ orderId: s.orderId }))
 *   .withoutCompensation('last step');
 *
 * ＠Saga({ type: 'OrderFulfilment', version: 1, steps: orderSteps, timeout: '60s' })
 * export class OrderFulfilment {
 *   ＠StartSaga(OrderPlaced, { correlate: (e) => e.orderId })
 *   start(e: OrderPlaced, ctx: SagaContext<OrderState, StepName<typeof orderSteps>>) {
 *     return ctx.begin({ orderId: e.orderId, items: e.items }).run('reserveStock');
 *   }
 * }
 */
export { Saga, StartSaga, SagaEventHandler, EndSaga, OnDeadline, SagaDiscovery } from './declaration/decorators';
export type { StartSagaOptions, SagaEventHandlerOptions } from './declaration/decorators';
export type { SagaOptions, RetryPolicyOptions } from './declaration/saga-options';
export type { MissingInstancePolicy } from './declaration/saga-metadata';
export { isSagaClass } from './declaration/saga-metadata';
export { sagaSteps, SagaStepsBuilder } from './declaration/saga-steps';
export type { SagaSteps, StepName, StepsState, StepOptions, CompensationOptions } from './declaration/saga-steps';
export { toMilliseconds, type Duration } from './declaration/duration';
export { buildSagaDefinition, describeSaga, messageTypesOf } from './declaration/saga-definition';
export type { SagaDefinition, SagaDefinitionDocument, StepDefinition, RetryPolicy, BuildSagaDefinitionOptions } from './declaration/saga-definition';
export { Decision, SagaContext, type DecisionOp } from './engine/decision';
export { SagaEngine, type SagaEngineOptions } from './engine/saga-engine';
export { terminalStatuses, DeadlineName } from './engine/saga-instance';
export type { SagaInstance, SagaStatus, StepStatus, StepRecord } from './engine/saga-instance';
export type {
  SagaOutcome,
  OutgoingMessage,
  IncomingMessage,
  DueDeadline,
  DeadlineRequest,
  LifecycleTransition,
  LifecycleTransitionName,
  MissingInstanceResult,
} from './engine/saga-outcome';
export { SagaTransition, lifecycleTopic, type SagaTransitionEvent } from './lifecycle/saga-lifecycle-message';
export { DefinitionPublished, definitionsTopic, type DefinitionPublishedEvent } from './lifecycle/definition-message';
