import { useEffect, useState } from 'preact/hooks';
import {
  api,
  live,
  Unauthorized,
  type SagaPage,
  type SagaSummary,
  type StatsResponse,
  type StatusCounts,
} from './api';
import { duration, shortId, time } from './format';
import { navigate } from './navigate';

const statuses = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED'] as const;

interface Filters {
  type: string;
  status: string;
  stuck: boolean;
  /** `started`: newest first; `duration`: longest first (a running saga by its age). */
  sort: 'started' | 'duration';
}

function matches(s: SagaSummary, f: Filters): boolean {
  return (!f.type || s.type === f.type) && (!f.status || s.status === f.status) && (!f.stuck || s.stuck);
}

function queryOf(f: Filters, cursor?: string): string {
  const q = new URLSearchParams();
  if (f.type) q.set('type', f.type);
  if (f.status) q.set('status', f.status);
  if (f.stuck) q.set('stuck', 'true');
  if (f.sort !== 'started') q.set('sort', f.sort);
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

/** Newest first, as the API sorts. */
function newestFirst(a: SagaSummary, b: SagaSummary): number {
  return b.startedAt.localeCompare(a.startedAt) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0);
}

/** The live list: counts by status, filters, and sagas updated as the projection changes them. */
export function ListPage({ onUnauthorized }: { onUnauthorized: () => void }) {
  const [filters, setFilters] = useState<Filters>({
    type: '',
    status: '',
    stuck: false,
    sort: 'started',
  });
  const [items, setItems] = useState<SagaSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [counts, setCounts] = useState<StatusCounts>({});
  const [types, setTypes] = useState<string[]>([]);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  const fail = (e: unknown) =>
    e instanceof Unauthorized ? onUnauthorized() : setError(String((e as Error).message));

  useEffect(() => {
    api<SagaPage>(`/api/sagas?${queryOf(filters)}`)
      .then((p) => {
        setItems(p.items);
        setCursor(p.nextCursor);
        setError(null);
      })
      .catch(fail);
    api<StatsResponse>('/api/stats')
      .then((s) => setTypes(s.types.map((t) => t.type)))
      .catch(fail);
  }, [filters, reloads]);

  useEffect(
    () =>
      live((e) => {
        setCounts(e.counts);
        if (e.reload) return setReloads((n) => n + 1);
        if (e.sagas.length === 0) return;
        setTypes((known) => [...new Set([...known, ...e.sagas.map((s) => s.type)])].sort());
        setItems((list) => {
          const byId = new Map(list.map((s) => [s.id, s]));
          // sorted by duration, the server's order stands: known rows update in place, new ones wait for a reload
          const byDuration = filters.sort === 'duration';
          for (const s of e.sagas) {
            if (byId.has(s.id) || (!byDuration && matches(s, filters))) byId.set(s.id, s);
          }
          return byDuration ? [...byId.values()] : [...byId.values()].sort(newestFirst);
        });
      }, setConnected),
    [filters],
  );

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  return (
    <section>
      <div class="counts" data-testid="counts">
        {statuses.map((s) => (
          <button
            class={`count status-${s.toLowerCase()} ${filters.status === s ? 'selected' : ''}`}
            onClick={() => set({ status: filters.status === s ? '' : s })}
          >
            <span class="n" data-status={s}>
              {counts[s] ?? 0}
            </span>
            {s.toLowerCase()}
          </button>
        ))}
        <button
          class={`count stuck ${filters.stuck ? 'selected' : ''}`}
          onClick={() => set({ stuck: !filters.stuck })}
        >
          <span class="n" data-status="stuck">
            {counts.stuck ?? 0}
          </span>
          stuck
        </button>
        <span class={`live ${connected ? 'on' : 'off'}`} data-testid="live">
          {connected ? '● live' : '○ reconnecting'}
        </span>
      </div>
      <div class="filters">
        <label>
          Type{' '}
          <select
            value={filters.type}
            onChange={(e) => set({ type: e.currentTarget.value })}
            data-testid="type-filter"
          >
            <option value="">all</option>
            {types.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select value={filters.status} onChange={(e) => set({ status: e.currentTarget.value })}>
            <option value="">all</option>
            {statuses.map((s) => (
              <option value={s}>{s.toLowerCase()}</option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={filters.stuck}
            onChange={(e) => set({ stuck: e.currentTarget.checked })}
          />{' '}
          stuck only
        </label>
        <label>
          sort{' '}
          <select
            data-testid="sort"
            value={filters.sort}
            onChange={(e) => set({ sort: e.currentTarget.value as Filters['sort'] })}
          >
            <option value="started">newest first</option>
            <option value="duration">longest first</option>
          </select>
        </label>
      </div>
      {error && <p class="error">{error}</p>}
      <table class="sagas" data-testid="saga-list">
        <thead>
          <tr>
            <th>Saga</th>
            <th>Type</th>
            <th>Status</th>
            <th>Step</th>
            <th>Started</th>
            <th>Duration</th>
            <th>Problem</th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr
              key={s.id}
              data-saga-id={s.id}
              class={`${s.stuck ? 'stuck' : ''} ${s.status === 'FAILED' ? 'failed' : ''}`}
              onClick={() => navigate(`/sagas/${encodeURIComponent(s.id)}`)}
            >
              <td class="mono" title={s.id}>
                <a href={`/sagas/${encodeURIComponent(s.id)}`} onClick={(e) => e.preventDefault()}>
                  {shortId(s.id)}
                </a>
                <div class="sub">{s.correlationKey}</div>
              </td>
              <td>{s.type}</td>
              <td>
                <span class={`badge status-${s.status.toLowerCase()}`}>{s.status.toLowerCase()}</span>
                {s.stuck && <span class="badge stuck">stuck: {s.stuckReason}</span>}
              </td>
              <td>{s.currentStep ?? '—'}</td>
              <td>{time(s.startedAt)}</td>
              <td data-testid="saga-duration">
                {s.durationMs !== null ? duration(s.durationMs) : <span class="sub">running</span>}
              </td>
              <td class="problem">
                {s.error ? `${s.error.code ? `${s.error.code}: ` : ''}${s.error.message}` : (s.reason ?? '')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 && <p class="empty">No saga matches.</p>}
      {cursor && (
        <button
          class="more"
          onClick={() =>
            api<SagaPage>(`/api/sagas?${queryOf(filters, cursor)}`)
              .then((p) => {
                setItems((list) => [...list, ...p.items.filter((s) => !list.some((x) => x.id === s.id))]);
                setCursor(p.nextCursor);
              })
              .catch(fail)
          }
        >
          {filters.sort === 'duration' ? 'Shorter sagas' : 'Older sagas'}
        </button>
      )}
    </section>
  );
}
