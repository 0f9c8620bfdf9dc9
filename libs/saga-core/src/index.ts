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
export {
  Saga,
  StartSaga,
  SagaEventHandler,
  EndSaga,
  OnDeadline,
  SagaDiscovery,
} from './declaration/decorators';
export type { StartSagaOptions, SagaEventHandlerOptions } from './declaration/decorators';
export type { SagaOptions, RetryPolicyOptions } from './declaration/saga-options';
export type { MissingInstancePolicy } from './declaration/saga-metadata';
export { isSagaClass } from './declaration/saga-metadata';
export { sagaSteps, SagaStepsBuilder } from './declaration/saga-steps';
export type {
  SagaSteps,
  StepName,
  StepsState,
  StepOptions,
  StepRetryOptions,
  CompensationOptions,
} from './declaration/saga-steps';
export { toMilliseconds, type Duration } from './declaration/duration';
export { buildSagaDefinition, describeSaga, messageTypesOf } from './declaration/saga-definition';
export type {
  SagaDefinition,
  SagaDefinitionDocument,
  StepDefinition,
  RetryPolicy,
  StepRetryPolicy,
  BuildSagaDefinitionOptions,
} from './declaration/saga-definition';
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
export {
  SagaTransitions,
  type SagaTransitionEntry,
  type SagaTransitionsEvent,
} from './lifecycle/saga-transitions-message';
export { transitionsEvent } from './lifecycle/transitions-event';
export {
  DefinitionPublished,
  definitionsTopic,
  type DefinitionPublishedEvent,
} from './lifecycle/definition-message';
/** Operator actions (resume, cancel) the saga monitor sends a service on `<prefix>sagaflow.<service>.operator`. */
export {
  operatorCommandTopic,
  operatorCommandTypes,
  resumeSagaSchema,
  cancelSagaSchema,
  type OperatorCommandTypes,
  type OperatorCommandFields,
  type ResumeSagaCommand,
  type CancelSagaCommand,
} from './lifecycle/operator-commands';

// runtime and NestJS
/** Configuration of a service (forRoot / SagaflowRuntime), validated once with zod; see {@link parseSagaflowConfig}. */
export type { SagaflowConfig, ResolvedSagaflowConfig, ConsumerRetryOptions } from './config/sagaflow-config';
/** Validates a configuration into a frozen object; throws ConfigError naming the setting, the rule and the value. */
export { parseSagaflowConfig } from './config/sagaflow-config';
/** The NestJS module: `SagaflowModule.forRoot(config)` once, `SagaflowModule.forFeature([SagaClass])` per saga. */
export { SagaflowModule } from './nest/sagaflow.module';
/** Injection token of the resolved configuration. */
export { SAGAFLOW_CONFIG } from './nest/tokens';
/** Nest transport strategy running `@EventPattern('<full name>')` handlers under Sagaflow's guarantees. */
export { SagaflowTransport } from './nest/sagaflow-transport';
/** What `@Ctx()` gives an `@EventPattern` handler run by SagaflowTransport (a MessageContext). */
export { SagaflowContext } from './nest/sagaflow-context';
/** Readiness of the database, broker and registry, for a `/health` endpoint. */
export { SagaflowHealth } from './nest/sagaflow-health';
/** Health report types. */
export type { SagaflowHealthReport, DependencyHealth, ConsumerGroupState } from './runtime/check-health';
/** Prometheus metrics of the runtime on their own registry (`SagaflowMetrics.registry`), for `/metrics`. */
export { SagaflowMetrics, type HandledOutcome } from './observability/sagaflow-metrics';
/** The structured logger interface and the default JSON-lines logger. */
export { sagaflowJsonLogger, type SagaflowLogger, type LogLevel } from './observability/json-logger';
/** Declares a participant's command handler / a choreographed reaction, run with inbox + outbox in one transaction. */
export {
  CommandHandler,
  OnEvent,
  OnSagaTransition,
  type OnSagaTransitionOptions,
  type CommandHandlerOptions,
  type OnEventOptions,
} from './participant/decorators';
/** Nest discovery marker of classes with `@CommandHandler`/`@OnEvent` methods. */
export { ParticipantDiscovery } from './participant/participant-metadata';
/** What a participant's handler gets beside the message: headers, time, the open transaction, `emit`. */
export type { MessageContext } from './participant/message-context';
/** Business transactions with the outbox for code that handles no message (HTTP handlers); `Outbox` is the same class. */
export {
  SagaflowTransactions,
  Outbox,
  type TransactionScope,
  type EmitOptions,
} from './runtime/sagaflow-transactions';
/** Reads the sagas a service hosts — status, state, current steps — by type and key, by id, or by status. */
export { SagaQueries, type SagaTypeRef } from './query/saga-queries';
export type { SagaView } from './query/saga-view';
/** Tombstones a retired service's reactions (and saga types) on `sagaflow.definitions`; CLI `sagaflow-retire-service`. */
export { retireService, type RetireServiceOptions } from './runtime/retire-service';
/** The runtime without Nest: `new SagaflowRuntime(config).start({ sagas, participants })`. */
export { SagaflowRuntime, type SagaflowRegistrations } from './runtime/sagaflow-runtime';
/** A handler registered with the runtime directly (what the transport builds from `@EventPattern`). */
export type { MessageHandlerRegistration } from './runtime/message-handler';
/** The tables of saga-core (inbox, saga_instance, saga_deadline) as a MigrationSet for runMigrations. */
export { sagaMigrations } from './migrations/saga-migrations';
/** The reactions document published on `sagaflow.definitions` under `reactions:<service>`. */
export type { ReactionsDocument } from './runtime/publish-definitions';
/** The dead-letter topic of a topic: `<topic>.dlt`. */
export { deadLetterTopic } from './runtime/dead-letter';

// choreography
/** Cycles in the combined declared graph of reactions and saga starters, each named as a chain (pure). */
export {
  findReactionCycles,
  type ReactionCycle,
  type ReactionCycleHop,
  type ReactionCycleAnalysis,
} from './reactions/find-reaction-cycles';
/** The edges a set of definitions declares (what {@link findReactionCycles} searches). */
export { declaredFlowEdges, type FlowEdge, type DeclaredFlowEdges } from './reactions/declared-flow-edges';
/** A current entry of `sagaflow.definitions` with its document parsed. */
export type { PublishedDefinition } from './reactions/published-definition';
/** The start-up cycle check's result, from `SagaflowRuntime.reactionCycles()`. */
export type { ReactionCycleReport } from './reactions/check-reaction-cycles';
