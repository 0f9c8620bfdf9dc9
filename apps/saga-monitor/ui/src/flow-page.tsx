import { useEffect, useState } from 'preact/hooks';
import { api, Unauthorized, type FlowDetail, type MissingReaction } from './api';
import { CausationTreeView } from './causation-tree';
import { duration, time } from './format';
import { navigate } from './navigate';

function Awaited({ list, kind }: { list: readonly MissingReaction[]; kind: 'missing' | 'pending' }) {
  if (list.length === 0) return null;
  return (
    <div class={`banner ${kind === 'missing' ? 'bad' : 'info'}`} data-testid={`flow-${kind}`}>
      <strong>{kind === 'missing' ? 'Stalled: missing reactions' : 'Waiting for'}</strong>
      <ul>
        {list.map((m) => (
          <li>
            <strong>{m.service}</strong> ({m.handler}) has not reacted to {m.consumes} for{' '}
            {duration(m.waitedMs)}; expected {m.emits.join(' or ')}
            {m.triggerDeadLettered && ' — the trigger was dead-lettered'}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One flow: its state, what it waits for, and its causation tree across services. */
export function FlowPageView({ id, onUnauthorized }: { id: string; onUnauthorized: () => void }) {
  const [detail, setDetail] = useState<FlowDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stale = false;
    const load = () =>
      api<FlowDetail>(`/api/flows/${encodeURIComponent(id)}`)
        .then((d) => !stale && (setDetail(d), setError(null)))
        .catch((e: unknown) =>
          e instanceof Unauthorized ? onUnauthorized() : setError((e as Error).message),
        );
    void load();
    // a flow moves with new records and with the clock (waiting → stalled)
    const timer = setInterval(load, 3000);
    return () => {
      stale = true;
      clearInterval(timer);
    };
  }, [id]);

  if (error) return <p class="error">{error}</p>;
  if (!detail) return <p>Loading…</p>;
  const f = detail.flow;
  return (
    <section class="flow" data-testid="flow-page">
      <h1>
        Flow <span class="mono">{f.correlationId}</span>
      </h1>
      <div class="facts">
        <span class={`badge flow-${f.state}`} data-testid="flow-state">
          {f.state}
        </span>
        <span>started by {f.rootType ?? '—'}</span>
        <span>started {time(f.startedAt)}</span>
        <span>span {duration(Date.parse(f.lastAt) - Date.parse(f.startedAt))}</span>
        <span>{f.messageCount} records</span>
        <span>
          {detail.tree.nodeCount} messages, {detail.tree.depth} hops deep
        </span>
        {detail.tree.orphans > 0 && <span class="badge stuck">{detail.tree.orphans} with unknown cause</span>}
      </div>
      <Awaited list={detail.status.missing} kind="missing" />
      <Awaited list={detail.status.pending} kind="pending" />
      {detail.sagas.length > 0 && (
        <p>
          Sagas:{' '}
          {detail.sagas.map((s) => (
            <a
              href={`/sagas/${encodeURIComponent(s.id)}`}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/sagas/${encodeURIComponent(s.id)}`);
              }}
            >
              {s.type} ({s.status.toLowerCase()}){' '}
            </a>
          ))}
        </p>
      )}
      <h2>
        Causation tree{' '}
        <span class="sub">which message caused which reaction, where, and how long each hop took</span>
      </h2>
      <div class="tree-box">
        <CausationTreeView
          roots={detail.tree.roots}
          missing={[...detail.status.missing, ...detail.status.pending]}
        />
      </div>
      {detail.truncated && <p class="sub">Only the first {detail.tree.nodeCount} messages are drawn.</p>}
    </section>
  );
}
