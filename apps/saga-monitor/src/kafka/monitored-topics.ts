/**
 * Topic names of the framework (DESIGN.md). They must equal saga-core's `lifecycleTopic` and
 * `definitionsTopic`; the monitor does not import saga-core at run time (it would drag NestJS in), so a
 * unit test checks the two agree.
 */
export const LIFECYCLE_TOPIC = 'sagaflow.lifecycle';
/** Compacted topic of saga definitions and service reactions. */
export const DEFINITIONS_TOPIC = 'sagaflow.definitions';

/** Which topics the monitor reads, and which two of them have a special meaning. */
export interface TopicRoles {
  /** Saga state transitions. */
  readonly lifecycle: string;
  /** Saga definitions and service reactions. */
  readonly definitions: string;
  /** Every topic whose name matches is consumed. */
  readonly pattern: RegExp;
}

/** Lifecycle, definitions, and every `*.events`, `*.commands`, `*.dlt` topic. */
export const defaultTopicPattern =
  /^(?:sagaflow\.lifecycle|sagaflow\.definitions|.+\.(?:events|commands|dlt))$/;

/** The framework's topics, as DESIGN.md names them. */
export const defaultTopicRoles: TopicRoles = Object.freeze({
  lifecycle: LIFECYCLE_TOPIC,
  definitions: DEFINITIONS_TOPIC,
  pattern: defaultTopicPattern,
});

/** Whether the monitor consumes `topic` (never Kafka's internal `__*` topics). */
export function isMonitoredTopic(topic: string, roles: TopicRoles = defaultTopicRoles): boolean {
  return !topic.startsWith('__') && roles.pattern.test(topic);
}

/** Whether records on `topic` are dead letters. */
export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith('.dlt');
}
