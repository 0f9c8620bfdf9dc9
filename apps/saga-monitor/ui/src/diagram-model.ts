import type { SagaDetail } from './api';

/** How a forward step or its compensation looks in the diagram. */
export type NodeState = 'pending' | 'active' | 'done' | 'failed' | 'compensating' | 'compensated' | 'none';

/** One step of the diagram: the forward command above, its compensation below. */
export interface DiagramStep {
  name: string;
  command: string | null;
  compensation: string | null;
  forward: NodeState;
  back: NodeState;
  /** This is where the saga is (running) or where it stopped. */
  here: boolean;
}

/**
 * Works out, from the definition and the lifecycle transitions alone, which steps are done, which one
 * the saga waits on, which failed, and which compensations ran. Without a definition the steps are
 * the ones the transitions name, in the order they appear.
 */
export function diagramSteps(detail: SagaDetail): DiagramStep[] {
  const { saga, transitions, definition } = detail;
  const defined =
    definition?.steps.map((s) => ({ name: s.name, command: s.command, compensation: s.compensation })) ?? [];
  const names =
    defined.length > 0
      ? defined
      : [...new Set(transitions.flatMap((t) => (t.step ? [t.step] : [])))].map((name) => ({
          name,
          command: null,
          compensation: null,
        }));
  const completed = new Set(transitions.filter((t) => t.transition === 'StepCompleted').map((t) => t.step));
  const compensated = new Set(
    transitions.filter((t) => t.transition === 'StepCompensated').map((t) => t.step),
  );
  const failedAt =
    [...transitions].reverse().find((t) => t.transition === 'Compensating' || t.transition === 'TimedOut')
      ?.step ?? null;
  const failedComp =
    saga.status === 'FAILED'
      ? ([...transitions].reverse().find((t) => t.transition === 'Failed')?.step ?? null)
      : null;
  const running = saga.status === 'RUNNING';
  const compensating = saga.status === 'COMPENSATING';
  const firstOpen = names.findIndex((s) => !completed.has(s.name));
  // while compensating, the next compensation to run is the latest completed step not yet compensated
  const nextBack = [...names]
    .reverse()
    .find((s) => completed.has(s.name) && !compensated.has(s.name) && s.compensation !== null)?.name;
  return names.map((s, i) => {
    const done = completed.has(s.name);
    let forward: NodeState = done ? 'done' : 'pending';
    if (!done && s.name === failedAt) forward = 'failed';
    else if (!done && running && i === firstOpen) forward = 'active';
    let back: NodeState = s.compensation === null && defined.length > 0 ? 'none' : 'pending';
    if (compensated.has(s.name)) back = 'compensated';
    else if (s.name === failedComp) back = 'failed';
    else if (compensating && s.name === nextBack) back = 'compensating';
    else if (!done && back !== 'none') back = 'pending';
    // one marker: the reply it waits for, the compensation in progress, or the one that could not be applied
    const here = forward === 'active' || back === 'compensating' || back === 'failed';
    return { name: s.name, command: s.command, compensation: s.compensation, forward, back, here };
  });
}
