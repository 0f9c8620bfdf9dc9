import type { SagaDetail } from './api';
import { diagramSteps, type NodeState } from './diagram-model';

const W = 190;
const H = 54;
const GAP = 46;
const TOP = 44;
const BOTTOM = TOP + H + 64;

const label: Record<NodeState, string> = {
  pending: 'pending',
  active: 'waiting for reply',
  done: 'done',
  failed: 'failed',
  compensating: 'compensating',
  compensated: 'compensated',
  none: 'no compensation',
};

/**
 * The saga's steps left to right with their compensations underneath (run right to left), coloured
 * by state; the box where the saga is, or where it stopped, is marked.
 */
export function SagaDiagram({ detail }: { detail: SagaDetail }) {
  const steps = diagramSteps(detail);
  if (steps.length === 0)
    return <p class="empty">No steps known yet (no definition published, no step transition seen).</p>;
  const width = steps.length * (W + GAP) + GAP + 70;
  const x = (i: number) => GAP + 40 + i * (W + GAP);
  const end = detail.saga.status;
  return (
    <svg
      class="diagram"
      data-testid="saga-diagram"
      viewBox={`0 0 ${width} ${BOTTOM + H + 30}`}
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
      <circle cx={GAP / 2 + 8} cy={TOP + H / 2} r="9" class="start" />
      <line
        x1={GAP / 2 + 18}
        y1={TOP + H / 2}
        x2={x(0) - 2}
        y2={TOP + H / 2}
        class="edge"
        marker-end="url(#arrow)"
      />
      {steps.map((s, i) => (
        <g data-step={s.name} data-forward={s.forward} data-back={s.back}>
          {i > 0 && (
            <line
              x1={x(i - 1) + W}
              y1={TOP + H / 2}
              x2={x(i) - 2}
              y2={TOP + H / 2}
              class="edge"
              marker-end="url(#arrow)"
            />
          )}
          <rect x={x(i)} y={TOP} width={W} height={H} rx="8" class={`node ${s.forward}`} />
          <text x={x(i) + 10} y={TOP + 20} class="step-name">
            {s.name}
          </text>
          <text x={x(i) + 10} y={TOP + 38} class="step-sub">
            {s.command ?? ''} · {label[s.forward]}
          </text>
          {s.back !== 'none' && (
            <>
              <line
                x1={x(i) + W / 2}
                y1={TOP + H}
                x2={x(i) + W / 2}
                y2={BOTTOM - 2}
                class="edge dashed"
                marker-end="url(#arrow)"
              />
              <rect x={x(i)} y={BOTTOM} width={W} height={H} rx="8" class={`node comp ${s.back}`} />
              <text x={x(i) + 10} y={BOTTOM + 20} class="step-name">
                undo {s.name}
              </text>
              <text x={x(i) + 10} y={BOTTOM + 38} class="step-sub">
                {s.compensation ?? ''} · {label[s.back]}
              </text>
            </>
          )}
          {s.here && (
            <text x={x(i) + W / 2} y={TOP - 12} text-anchor="middle" class="here" data-testid="here-marker">
              {end === 'RUNNING' || end === 'COMPENSATING' ? '▼ here' : '▼ stopped here'}
            </text>
          )}
        </g>
      ))}
      <line
        x1={x(steps.length - 1) + W}
        y1={TOP + H / 2}
        x2={x(steps.length - 1) + W + GAP - 6}
        y2={TOP + H / 2}
        class="edge"
        marker-end="url(#arrow)"
      />
      <circle
        cx={x(steps.length - 1) + W + GAP + 6}
        cy={TOP + H / 2}
        r="10"
        class={`end ${end.toLowerCase()}`}
      />
      <text x={x(steps.length - 1) + W + GAP + 6} y={TOP + H / 2 + 28} text-anchor="middle" class="step-sub">
        {end.toLowerCase()}
      </text>
    </svg>
  );
}
