import type { SagaDetail } from './api';

/** How a forward step or its compensation looks in the diagram. */
export type NodeState =
  | 'pending'
  | 'active'
  | 'done'
  | 'failed'
  | 'compensating'
  | 'compensated'
  | 'none'
  /** A compensation an ended saga never needed: its step did not complete, or the saga completed. */
  | 'not-needed';

/** One step of the diagram: the forward command above, its compensation below. */
export interface DiagramStep {
  name: string;
  command: string | null;
  compensation: string | null;
  forward: NodeState;
  back: NodeState;
  /** This is where the saga is (running) or where it stopped. */
  here: boolean;
  /** The parallel group the step is a branch of (from the published definition); null when sequential. */
  group: string | null;
  /** Times the step's command was re-sent on timeout (`StepRetried` transitions). */
  retries: number;
}

/** One column of the diagram: a sequential step, or a parallel group's branches and their join. */
export type DiagramColumn =
  | { group: null; steps: [DiagramStep] }
  | { group: string; steps: DiagramStep[]; /** every branch completed */ joined: boolean };

/**
 * Works out, from the definition and the lifecycle transitions alone, which steps are done, which one
 * the saga waits on, which failed, and which compensations ran. Without a definition the steps are
 * the ones the transitions name, in the order they appear.
 */
export function diagramSteps(detail: SagaDetail): DiagramStep[] {
  const { saga, transitions, definition } = detail;
  const defined =
    definition?.steps.map((s) => ({
      name: s.name,
      command: s.command,
      compensation: s.compensation,
      group: s.group ?? null,
    })) ?? [];
  const names: Array<{
    name: string;
    command: string | null;
    compensation: string | null;
    group: string | null;
  }> =
    defined.length > 0
      ? defined
      : [...new Set(transitions.flatMap((t) => (t.step ? [t.step] : [])))].map((name) => ({
          name,
          command: null,
          compensation: null,
          group: null,
        }));
  const completed = new Set(transitions.filter((t) => t.transition === 'StepCompleted').map((t) => t.step));
  const compensated = new Set(
    transitions.filter((t) => t.transition === 'StepCompensated').map((t) => t.step),
  );
  // the steps a Compensating or TimedOut transition names: the branch that failed (or came back late)
  const failedAt = new Set(
    transitions
      .filter((t) => t.transition === 'Compensating' || t.transition === 'TimedOut')
      .map((t) => t.step),
  );
  const retries = new Map<string, number>();
  for (const t of transitions)
    if (t.transition === 'StepRetried' && t.step) retries.set(t.step, (retries.get(t.step) ?? 0) + 1);
  const failedComp =
    saga.status === 'FAILED'
      ? ([...transitions].reverse().find((t) => t.transition === 'Failed')?.step ?? null)
      : null;
  const running = saga.status === 'RUNNING';
  const compensating = saga.status === 'COMPENSATING';
  // FAILED is not here: the compensations after the one that could not be applied still wait
  const ended = saga.status === 'COMPLETED' || saga.status === 'COMPENSATED';
  // the column a running saga waits on: the first open step, or every open branch of its group
  const firstOpen = names.findIndex((s) => !completed.has(s.name));
  const openGroup = firstOpen >= 0 ? names[firstOpen]!.group : null;
  const waitsOn = (i: number) =>
    i === firstOpen ||
    (openGroup !== null && names[i]!.group === openGroup && !completed.has(names[i]!.name));
  // while compensating, the next compensation to run is the latest completed step not yet compensated
  const nextBack = [...names]
    .reverse()
    .find((s) => completed.has(s.name) && !compensated.has(s.name) && s.compensation !== null)?.name;
  return names.map((s, i) => {
    const done = completed.has(s.name);
    let forward: NodeState = done ? 'done' : 'pending';
    if (!done && failedAt.has(s.name)) forward = 'failed';
    else if (!done && running && waitsOn(i)) forward = 'active';
    let back: NodeState = s.compensation === null && defined.length > 0 ? 'none' : 'pending';
    if (compensated.has(s.name)) back = 'compensated';
    else if (s.name === failedComp) back = 'failed';
    else if (compensating && s.name === nextBack) back = 'compensating';
    else if (!done && back !== 'none') back = 'pending';
    if (back === 'pending' && ended) back = 'not-needed';
    // one marker: the reply it waits for, the compensation in progress, or the one that could not be applied
    const here = forward === 'active' || back === 'compensating' || back === 'failed';
    return {
      name: s.name,
      command: s.command,
      compensation: s.compensation,
      forward,
      back,
      here,
      group: s.group,
      retries: retries.get(s.name) ?? 0,
    };
  });
}

/** The steps as columns: consecutive branches of one parallel group share a column, joined after it. */
export function diagramColumns(steps: readonly DiagramStep[]): DiagramColumn[] {
  const columns: DiagramColumn[] = [];
  for (const s of steps) {
    const last = columns.at(-1);
    if (s.group !== null && last?.group === s.group) last.steps.push(s);
    else if (s.group !== null) columns.push({ group: s.group, steps: [s], joined: false });
    else columns.push({ group: null, steps: [s] });
  }
  for (const c of columns) if (c.group !== null) c.joined = c.steps.every((s) => s.forward === 'done');
  return columns;
}
