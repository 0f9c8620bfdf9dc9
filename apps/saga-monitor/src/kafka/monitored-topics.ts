/**
 * Topic names of the framework (DESIGN.md). They must equal saga-core's `lifecycleTopic` and
 * `definitionsTopic`; the monitor does not import saga-core at run time (it would drag NestJS in), so a
 * unit test checks the two agree.
 */
export const LIFECYCLE_TOPIC = 'sagaflow.lifecycle';
/** Compacted topic of saga definitions and service reactions. */
export const DEFINITIONS_TOPIC = 'sagaflow.definitions';

const pattern = /^(?:sagaflow\.lifecycle|sagaflow\.definitions|[A-Za-z0-9._-]+\.(?:events|commands|dlt))$/;

/** Whether the monitor consumes `topic`: lifecycle, definitions, and every `*.events`, `*.commands`, `*.dlt`. */
export function isMonitoredTopic(topic: string): boolean {
  return pattern.test(topic);
}

/** Whether records on `topic` are dead letters. */
export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith('.dlt');
}
