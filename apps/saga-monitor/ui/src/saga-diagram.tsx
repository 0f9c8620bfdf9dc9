import type { SagaDetail } from './api';
import { diagramColumns, diagramSteps, type DiagramStep, type NodeState } from './diagram-model';

const W = 190;
const H = 54;
const GAP = 46;
const TOP = 44;
/** Vertical distance between the branches of a parallel group. */
const ROW = H + 26;

const label: Record<NodeState, string> = {
  pending: 'pending',
  active: 'waiting for reply',
  done: 'done',
  failed: 'failed',
  compensating: 'compensating',
  compensated: 'compensated',
  none: 'no compensation',
  'not-needed': 'not needed',
};

/**
 * The saga's steps left to right with their compensations underneath (run right to left), coloured
 * by state; the box where the saga is, or where it stopped, is marked. A parallel group is one column:
 * its branches stacked, forked from the step before and joined before the step after, each with its own
 * state; a step whose command was re-sent says how often.
 */
export function SagaDiagram({ detail }: { detail: SagaDetail }) {
  const steps = diagramSteps(detail);
  if (steps.length === 0)
    return <p class="empty">No steps known yet (no definition published, no step transition seen).</p>;
  const columns = diagramColumns(steps);
  const rows = Math.max(...columns.map((c) => c.steps.length));
  const bottom = TOP + (rows - 1) * ROW + H + 64;
  const width = columns.length * (W + GAP) + GAP + 70;
  const x = (i: number) => GAP + 40 + i * (W + GAP);
  const mid = TOP + H / 2;
  const last = columns.length - 1;
  const end = detail.saga.status;
  return (
    <svg
      class="diagram"
      data-testid="saga-diagram"
      viewBox={`0 0 ${width} ${bottom + rows * ROW + 30}`}
      width={width}
      role="img"
      aria-label="saga steps and compensations"
    >
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M0,0 L10,5 L0,10 z" fill="#64748b" />
        </marker>
      </defs>
      <circle cx={GAP / 2 + 8} cy={mid} r="9" class="start" />
      <line x1={GAP / 2 + 18} y1={mid} x2={x(0) - 2} y2={mid} class="edge" marker-end="url(#arrow)" />
      {columns.map((c, i) => (
        <g
          data-column={i}
          data-group={c.group ?? undefined}
          data-joined={c.group === null ? undefined : String(c.joined)}
        >
          {c.steps.map((s, k) => (
            <StepBoxes step={s} x={x(i)} top={TOP + k * ROW} bottom={bottom + k * ROW} end={end} />
          ))}
          {c.steps.map((_s, k) =>
            // the fork: from the previous column (or the start) to each branch
            i > 0 ? (
              <line
                x1={x(i - 1) + W}
                y1={mid}
                x2={x(i) - 2}
                y2={mid + k * ROW}
                class="edge"
                marker-end="url(#arrow)"
              />
            ) : k > 0 ? (
              <line
                x1={x(0) - GAP / 2}
                y1={mid}
                x2={x(0) - 2}
                y2={mid + k * ROW}
                class="edge"
                marker-end="url(#arrow)"
              />
            ) : null,
          )}
          {c.group !== null && (
            <g data-testid={`join-${c.group}`}>
              {c.steps.map((_s, k) => (
                <line x1={x(i) + W} y1={mid + k * ROW} x2={x(i) + W + GAP / 2} y2={mid} class="edge" />
              ))}
              <circle
                cx={x(i) + W + GAP / 2}
                cy={mid}
                r="5"
                class={`join ${c.joined ? 'done' : 'pending'}`}
              />
              <text
                x={x(i) + W / 2}
                y={TOP + (c.steps.length - 1) * ROW + H + 16}
                text-anchor="middle"
                class="step-sub"
              >
                parallel {c.group} · {c.joined ? 'joined' : 'join pending'}
              </text>
            </g>
          )}
        </g>
      ))}
      <line
        x1={x(last) + W + (columns[last]!.group === null ? 0 : GAP / 2)}
        y1={mid}
        x2={x(last) + W + GAP - 6}
        y2={mid}
        class="edge"
        marker-end="url(#arrow)"
      />
      <circle cx={x(last) + W + GAP + 6} cy={mid} r="10" class={`end ${end.toLowerCase()}`} />
      <text x={x(last) + W + GAP + 6} y={mid + 28} text-anchor="middle" class="step-sub">
        {end.toLowerCase()}
      </text>
    </svg>
  );
}

/** One step's forward box and, under it, its compensation. */
function StepBoxes({
  step: s,
  x,
  top,
  bottom,
  end,
}: {
  step: DiagramStep;
  x: number;
  top: number;
  bottom: number;
  end: string;
}) {
  return (
    <g data-step={s.name} data-forward={s.forward} data-back={s.back} data-retries={s.retries}>
      <rect x={x} y={top} width={W} height={H} rx="8" class={`node ${s.forward}`} />
      <text x={x + 10} y={top + 20} class="step-name">
        {s.name}
      </text>
      <text x={x + 10} y={top + 38} class="step-sub">
        {s.command ?? ''} · {label[s.forward]}
        {s.retries > 0 ? ` · re-sent ${s.retries}×` : ''}
      </text>
      {s.back !== 'none' && (
        <>
          <line
            x1={x + W / 2}
            y1={top + H}
            x2={x + W / 2}
            y2={bottom - 2}
            class="edge dashed"
            marker-end="url(#arrow)"
          />
          <rect x={x} y={bottom} width={W} height={H} rx="8" class={`node comp ${s.back}`} />
          <text x={x + 10} y={bottom + 20} class="step-name">
            undo {s.name}
          </text>
          <text x={x + 10} y={bottom + 38} class="step-sub">
            {s.compensation ?? ''} · {label[s.back]}
          </text>
        </>
      )}
      {s.here && (
        <text x={x + W / 2} y={top - 12} text-anchor="middle" class="here" data-testid="here-marker">
          {end === 'RUNNING' || end === 'COMPENSATING' ? '▼ here' : '▼ stopped here'}
        </text>
      )}
    </g>
  );
}
