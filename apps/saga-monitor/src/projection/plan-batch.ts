import { defaultTopicRoles, isDeadLetterTopic, type TopicRoles } from '../kafka/monitored-topics';
import type { ProjectedMessage } from './projected-message';
import { readDeadLetter, type DeadLetterRecord } from './read-dead-letter';
import { readDefinition, type DefinitionChange } from './read-definition';
import { readTransitions, type TransitionRecord } from './read-transition';

/** What one batch of one partition writes, worked out before any I/O. */
export interface BatchPlan {
  messages: ProjectedMessage[];
  transitions: TransitionRecord[];
  deadLetters: DeadLetterRecord[];
  definitions: Exclude<DefinitionChange, { kind: 'invalid' }>[];
}

/**
 * Sorts a batch's records into what they mean: every record is a message; lifecycle records are also
 * transitions (one per entry of a `SagaTransitions`, in order), `*.dlt` records dead letters, definition records definitions. A record that should be one
 * of these but is not keeps the reason in its `decodeError`, so nothing is silently skipped.
 */
export function planBatch(
  records: readonly ProjectedMessage[],
  roles: TopicRoles = defaultTopicRoles,
): BatchPlan {
  const plan: BatchPlan = { messages: [], transitions: [], deadLetters: [], definitions: [] };
  for (const record of records) {
    let m = record;
    if (isDeadLetterTopic(m.topic)) {
      plan.deadLetters.push(readDeadLetter(m));
    } else if (m.topic === roles.lifecycle && m.decodeError === null) {
      const t = readTransitions(m);
      if (t.ok) plan.transitions.push(...t.value);
      else m = { ...m, decodeError: t.error };
    } else if (m.topic === roles.definitions) {
      const d = readDefinition(m);
      if (d.kind === 'invalid') m = { ...m, decodeError: d.error };
      else plan.definitions.push(d);
    }
    plan.messages.push(m);
  }
  return plan;
}
