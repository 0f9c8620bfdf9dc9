import type { CausationNode, MissingReaction } from './api';
import { duration, time } from './format';

/** A hop's gap: "+40 ms"; a negative one means the two services' clocks disagree. */
function gap(ms: number | null): string {
  if (ms === null) return '';
  return ms < 0 ? `−${duration(-ms)} (clock skew)` : `+${duration(ms)}`;
}

function Node({ node, missing }: { node: CausationNode; missing: readonly MissingReaction[] }) {
  const absent = missing.filter((m) => m.triggerMessageId === node.messageId);
  return (
    <li>
      {node.gapMs !== null && (
        <span class="hop" data-testid="hop-gap">
          {gap(node.gapMs)}
        </span>
      )}
      <div
        class={`msg ${node.orphan ? 'orphan' : ''} ${node.deadLettered ? 'dlt' : ''}`}
        data-testid="tree-node"
        data-message-type={node.messageType ?? ''}
        data-source={node.source ?? ''}
        data-gap-ms={node.gapMs ?? ''}
      >
        <div class="msg-type">{node.messageType ?? '(no type)'}</div>
        <div class="msg-meta">
          <span class="svc">{node.source ?? 'unknown source'}</span>
          <span class="mono">{node.topic}</span>
          <span>{time(node.at)}</span>
          {node.sagaType && <span class="badge">saga {node.sagaType}</span>}
          {node.deadLettered && <span class="badge stuck">dead-lettered</span>}
          {node.duplicates > 0 && <span class="badge">×{node.duplicates + 1} copies</span>}
        </div>
        {node.orphan && (
          <div class="msg-note">cause …{(node.causationId ?? '').slice(-8)} is not in this flow</div>
        )}
      </div>
      {(node.children.length > 0 || absent.length > 0) && (
        <ul>
          {node.children.map((c) => (
            <Node node={c} missing={missing} />
          ))}
          {absent.map((m) => (
            <li>
              <span class="hop">waited {duration(m.waitedMs)}</span>
              <div class="msg missing" data-testid="missing-node" data-service={m.service}>
                <div class="msg-type">missing: {m.service}</div>
                <div class="msg-meta">
                  <span>{m.handler}</span>
                  <span>expected {m.emits.join(' or ')}</span>
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/**
 * A flow's causation tree as nested boxes: each message under the one that caused it, the gap of each
 * hop on its connector, and the reactions still awaited drawn as dashed boxes under their trigger.
 */
export function CausationTreeView({
  roots,
  missing,
}: {
  roots: readonly CausationNode[];
  missing: readonly MissingReaction[];
}) {
  if (roots.length === 0) return <p class="empty">No messages.</p>;
  return (
    <ul class="tree" data-testid="causation-tree">
      {roots.map((r) => (
        <Node node={r} missing={missing} />
      ))}
    </ul>
  );
}
