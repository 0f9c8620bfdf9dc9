import { useEffect, useState } from 'preact/hooks';
import { api, Unauthorized, type GraphResponse } from './api';
import { layoutGraph, nodeRx, nodeRy } from './graph-layout';
import { navigate } from './navigate';

const statusLabel = {
  'declared-and-observed': 'declared and observed',
  'declared-only': 'declared, never observed',
  'observed-only': 'observed, never declared',
} as const;

function openFlow(correlationId: string | null) {
  if (correlationId) navigate(`/flows/${encodeURIComponent(correlationId)}`);
}

/**
 * The interaction graph: services, and an arrow `producer → consumer` per event type the consumer reacts
 * to. Declared-only edges are dashed, observed-but-undeclared ones red, hops of a declared cycle purple;
 * the differences and cycles are listed underneath.
 */
export function GraphPage({ onUnauthorized }: { onUnauthorized: () => void }) {
  const [graph, setGraph] = useState<GraphResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<GraphResponse>('/api/graph')
      .then(setGraph)
      .catch((e: unknown) => (e instanceof Unauthorized ? onUnauthorized() : setError((e as Error).message)));
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!graph) return <p>Loading…</p>;
  const layout = layoutGraph(graph);
  const d = graph.differences;
  return (
    <section data-testid="graph-page">
      <h1>Interaction graph</h1>
      <p class="legend">
        <span class="key declared-and-observed">declared and observed</span>
        <span class="key declared-only">declared, never observed</span>
        <span class="key observed-only">observed, never declared</span>
        <span class="key cycle">on a declared cycle</span>
      </p>
      {graph.edges.length === 0 ? (
        <p class="empty">No reaction declared or observed yet.</p>
      ) : (
        <div class="diagram-box">
          <svg
            class="graph"
            data-testid="interaction-graph"
            viewBox={`0 0 ${layout.width} ${layout.height}`}
            width={layout.width}
            role="img"
            aria-label="services and the events they react to"
          >
            <defs>
              {['plain', 'undeclared', 'cycle'].map((kind) => (
                <marker
                  id={`arrow-${kind}`}
                  viewBox="0 0 10 10"
                  refX="9"
                  refY="5"
                  markerWidth="7"
                  markerHeight="7"
                  orient="auto-start-reverse"
                >
                  <path d="M0,0 L10,5 L0,10 z" class={`arrowhead ${kind}`} />
                </marker>
              ))}
            </defs>
            {layout.edges.map((e) => (
              <g
                class={`edge-group ${e.edge.status} ${e.onCycle ? 'cycle' : ''}`}
                data-edge={e.key}
                data-status={e.edge.status}
                data-on-cycle={String(e.onCycle)}
                onClick={() => openFlow(e.edge.exampleCorrelationId)}
              >
                <title>
                  {`${e.edge.producer ?? '?'} → ${e.edge.event} → ${e.edge.consumer}: ${statusLabel[e.edge.status]}` +
                    (e.edge.handlers.length ? ` (${e.edge.handlers.join(', ')})` : '') +
                    (e.edge.observations ? `, seen ${e.edge.observations}×` : '')}
                </title>
                <path
                  d={e.path}
                  class="graph-edge"
                  marker-end={`url(#arrow-${e.onCycle ? 'cycle' : e.edge.status === 'observed-only' ? 'undeclared' : 'plain'})`}
                />
                <text
                  x={e.labelX}
                  y={e.labelY}
                  text-anchor="middle"
                  class="edge-label"
                  data-testid="edge-label"
                >
                  {e.label}
                </text>
              </g>
            ))}
            {layout.nodes.map((n) => (
              <g data-service={n.id}>
                <ellipse
                  cx={n.x}
                  cy={n.y}
                  rx={nodeRx}
                  ry={nodeRy}
                  class={`service ${n.unknown ? 'unknown' : ''}`}
                />
                <text x={n.x} y={n.y + 4} text-anchor="middle" class="service-name">
                  {n.id}
                </text>
              </g>
            ))}
          </svg>
        </div>
      )}
      <h2>Cycles in the declared reactions</h2>
      {graph.cycles.length === 0 ? (
        <p class="empty">None.</p>
      ) : (
        <ul data-testid="cycles">
          {graph.cycles.map((c) => (
            <li class="cycle-line">{c.chain}</li>
          ))}
        </ul>
      )}
      <h2>Observed, never declared</h2>
      {d.observedNotDeclared.length === 0 ? (
        <p class="empty">None.</p>
      ) : (
        <table class="compact" data-testid="undeclared">
          <tbody>
            {d.observedNotDeclared.map((e) => (
              <tr class="clickable" onClick={() => openFlow(e.exampleCorrelationId)}>
                <td>{e.producer}</td>
                <td>→ {e.event} →</td>
                <td>{e.consumer}</td>
                <td>seen {e.observations}×</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Declared, never observed</h2>
      {d.declaredNotObserved.length === 0 ? (
        <p class="empty">None.</p>
      ) : (
        <table class="compact" data-testid="unobserved">
          <tbody>
            {d.declaredNotObserved.map((e) => (
              <tr>
                <td>{e.consumer}</td>
                <td>reacts to {e.event}</td>
                <td>{e.handlers.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {graph.definitionProblems.length > 0 && (
        <>
          <h2>Unreadable definitions</h2>
          <ul class="error">
            {graph.definitionProblems.map((p) => (
              <li>{p}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
