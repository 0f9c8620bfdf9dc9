/**
 * @sagaflow/outbox-relay — the transactional outbox and the relay that publishes it to Kafka, plus the
 * message contract every Sagaflow library shares (headers, message types, the error family).
 */
// Before anything connects: KafkaJS 2.2.4's request queue armed a negative timer (TimeoutNegativeWarning on
// Node 23+, and a 1 ms wake-up loop per connection); see kafka/kafkajs-request-queue-fix.ts.
import { applyKafkaJsRequestQueueFix } from './kafka/kafkajs-request-queue-fix';
// …and a consumer stopped while its fetchers rebalance left one spinning (kafka/kafkajs-stopped-fetcher-fix.ts).
import { applyKafkaJsStoppedFetcherFix } from './kafka/kafkajs-stopped-fetcher-fix';
applyKafkaJsRequestQueueFix();
applyKafkaJsStoppedFetcherFix();

export {
  SagaflowError,
  ConfigError,
  DefinitionError,
  MessageValidationError,
  CodecError,
  ConcurrencyConflictError,
  PoisonMessageError,
  CompensationFailedError,
  type SagaflowErrorCode,
} from './errors/sagaflow-error';
export {
  Header,
  DeadLetterHeader,
  ContentType,
  toKafkaHeaders,
  fromKafkaHeaders,
  type MessageHeaders,
} from './message/headers';
export { newMessageId, isUuid } from './message/message-id';
export {
  defineMessage,
  type MessageType,
  type AnyMessageType,
  type MessageTypeDefinition,
  type MessageKind,
  type PayloadOf,
  type AvroRecordSchema,
} from './message/message-type';
export { MessageCatalog } from './message/message-catalog';
export type { Migration, MigrationSet } from './migrations/migration';
export { runMigrations } from './migrations/run-migrations';
export { outboxMigrations, outboxNotifyChannel } from './migrations/outbox-migrations';
export type { OutboxEntry } from './writer/outbox-entry';
export { OutboxWriter, type OutboxWriterOptions, type PreparedOutboxEntry } from './writer/outbox-writer';
export { defaultMaxMessageBytes } from './writer/validate-entry';
export type { MessageCodec } from './codec/message-codec';
export { AvroRegistryCodec, type AvroRegistryCodecOptions } from './codec/avro-registry-codec';
export { JsonCodec } from './codec/json-codec';
export { createCodec, type CodecConfig } from './codec/create-codec';
export { ensureTopics, type TopicSpec } from './kafka/ensure-topics';
export { topicReplication, type ReplicationSettings } from './kafka/topic-replication';
export { OutboxRelay } from './relay/outbox-relay';
export { OutboxNotifier, type OutboxNotifierOptions } from './relay/outbox-notifier';
export { hopHistogram, hopMetricName, type HopStage } from './metrics/hop-histogram';
export {
  parseRelayConfig,
  type OutboxRelayConfig,
  type ResolvedRelayConfig,
  type TopicCreation,
} from './relay/relay-config';
export { RelayEvents, relayEventNames, type RelayEventMap, type RelayEventName } from './relay/relay-events';
export { listSetAside, retrySetAside, type SetAsideMessage } from './relay/set-aside';
export { readPendingStats, type PendingStats } from './relay/pending-stats';
export { jsonLogger, type RelayLogger, type LogLevel } from './logging/relay-logger';
/** Parses a configuration with a zod schema into its output, or throws a ConfigError naming the setting, rule and value. */
export { parseConfig, describeValue } from './config/parse-config';
/** Logs, instead of crashing on, the error a pooled connection raises while checked out (a cut network). */
export { watchConnectionErrors } from './database/watch-connection-errors';
/** W3C trace context and the OpenTelemetry spans every Sagaflow library starts (docs/decisions/0084). */
export { childTraceparent, newTraceparent, parseTraceparent, formatTraceparent } from './tracing/traceparent';
export {
  tracerName,
  startMessageSpan,
  startSpan,
  recordingTraceparent,
  endSpan,
  type SpanOperation,
  type SpanMessage,
} from './tracing/message-spans';
/** Named crash points for crash tests (`SAGAFLOW_FAULT_POINT`). */
export { faultPoint, type FaultPointName } from './fault/fault-point';
