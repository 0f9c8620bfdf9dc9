import { useEffect, useState } from 'preact/hooks';
import { api, Unauthorized, type FlowPage, type FlowSummary } from './api';
import { duration, shortId, time } from './format';
import { navigate } from './navigate';

/** One line naming what a stalled flow waits for. */
export function missingLine(f: FlowSummary): string {
  const m = f.missing[0];
  if (!m) return '';
  const more = f.missing.length > 1 ? ` (+${f.missing.length - 1} more)` : '';
  return `${m.service} has not reacted to ${m.consumes} (${m.handler})${more}`;
}

/**
 * Every flow (all messages of one correlation id), newest first: what started it, the services that took
 * part, and whether it settled, waits, or stalled on a missing reaction. Re-read every 5 s: whether a flow
 * is stalled depends on the clock, not only on new records.
 */
export function FlowsPage({ onUnauthorized }: { onUnauthorized: () => void }) {
  const [stalledOnly, setStalledOnly] = useState(false);
  const [items, setItems] = useState<FlowSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fail = (e: unknown) =>
    e instanceof Unauthorized ? onUnauthorized() : setError(String((e as Error).message));
  const query = (c?: string) => {
    const q = new URLSearchParams();
    if (stalledOnly) q.set('stalled', 'true');
    if (c) q.set('cursor', c);
    return `/api/flows?${q.toString()}`;
  };

  useEffect(() => {
    let stale = false;
    const load = () =>
      api<FlowPage>(query())
        .then((p) => {
          if (stale) return;
          setItems(p.items);
          setCursor(p.nextCursor);
          setError(null);
        })
        .catch(fail);
    void load();
    const timer = setInterval(load, 5000);
    return () => {
      stale = true;
      clearInterval(timer);
    };
  }, [stalledOnly]);

  return (
    <section>
      <h1>Flows</h1>
      <p class="sub">
        Every correlation id, rebuilt from causation ids. A flow is stalled when a reaction a service declared
        has not happened within the threshold.
      </p>
      <div class="filters">
        <label>
          <input
            type="checkbox"
            checked={stalledOnly}
            onChange={(e) => setStalledOnly(e.currentTarget.checked)}
            data-testid="stalled-filter"
          />{' '}
          stalled only
        </label>
      </div>
      {error && <p class="error">{error}</p>}
      <table class="sagas" data-testid="flow-list">
        <thead>
          <tr>
            <th>Correlation</th>
            <th>Started by</th>
            <th>State</th>
            <th>Services</th>
            <th>Messages</th>
            <th>Started</th>
            <th>Span</th>
            <th>Missing reaction</th>
          </tr>
        </thead>
        <tbody>
          {items.map((f) => (
            <tr
              key={f.correlationId}
              data-correlation-id={f.correlationId}
              class={f.state === 'stalled' ? 'stuck' : ''}
              onClick={() => navigate(`/flows/${encodeURIComponent(f.correlationId)}`)}
            >
              <td class="mono" title={f.correlationId}>
                <a href={`/flows/${encodeURIComponent(f.correlationId)}`} onClick={(e) => e.preventDefault()}>
                  {shortId(f.correlationId)}
                </a>
              </td>
              <td>{f.rootType ?? '—'}</td>
              <td>
                <span class={`badge flow-${f.state}`}>{f.state}</span>
                {f.sagaTypes.length > 0 && <span class="badge">saga</span>}
              </td>
              <td>{f.services.join(', ')}</td>
              <td>{f.messageCount}</td>
              <td>{time(f.startedAt)}</td>
              <td>{duration(Date.parse(f.lastAt) - Date.parse(f.startedAt))}</td>
              <td class="problem">{missingLine(f)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 && <p class="empty">No flow matches.</p>}
      {cursor && (
        <button
          class="more"
          onClick={() =>
            api<FlowPage>(query(cursor))
              .then((p) => {
                setItems((list) => [
                  ...list,
                  ...p.items.filter((f) => !list.some((x) => x.correlationId === f.correlationId)),
                ]);
                setCursor(p.nextCursor);
              })
              .catch(fail)
          }
        >
          Older flows
        </button>
      )}
    </section>
  );
}
