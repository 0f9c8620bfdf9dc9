import { useEffect, useState } from 'preact/hooks';
import { ActionForm, type PendingAction } from './action-form';
import { api, live, Unauthorized, type SagaDetail } from './api';
import { duration, time } from './format';
import { SagaDiagram } from './saga-diagram';

/** One saga: its state, where it is or stopped (diagram), lifecycle, dead letters and full timeline. */
export function SagaPage({ id, onUnauthorized }: { id: string; onUnauthorized: () => void }) {
  const [detail, setDetail] = useState<SagaDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [acting, setActing] = useState<PendingAction | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let stale = false;
    const load = () =>
      api<SagaDetail>(`/api/sagas/${encodeURIComponent(id)}`)
        .then((d) => !stale && (setDetail(d), setError(null)))
        .catch((e: unknown) =>
          e instanceof Unauthorized ? onUnauthorized() : setError((e as Error).message),
        );
    void load();
    // re-read when this saga changes
    const close = live(
      (e) => e.sagas.some((s) => s.id === id) && void load(),
      () => undefined,
    );
    return () => {
      stale = true;
      close();
    };
  }, [id, reloads]);

  if (error) return <p class="error">{error}</p>;
  if (!detail) return <p>Loading…</p>;
  const s = detail.saga;
  const toggle = (key: string) =>
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });
  return (
    <section class="saga" data-testid="saga-page">
      <h1>
        {s.type} <span class="mono">{s.id}</span>
      </h1>
      <div class="facts">
        <span class={`badge status-${s.status.toLowerCase()}`} data-testid="saga-status">
          {s.status.toLowerCase()}
        </span>
        {s.stuck && <span class="badge stuck">stuck: {s.stuckReason}</span>}
        <span>correlation {s.correlationId ?? '—'}</span>
        <span>key {s.correlationKey}</span>
        <span>started {time(s.startedAt)}</span>
        <span>last progress {time(s.updatedAt)}</span>
        <span>duration {duration(s.durationMs)}</span>
        <span>definition v{s.definitionVersion}</span>
      </div>
      {(s.error || s.reason) && (
        <div class={`banner ${s.error ? 'bad' : 'info'}`} data-testid="saga-error">
          {s.error ? (
            <>
              <strong>{s.error.code ?? 'Error'}</strong> {s.error.message}
              {s.error.topic && (
                <span class="sub">
                  {' '}
                  (dead-lettered on {s.error.topic} at {time(s.error.at)})
                </span>
              )}
            </>
          ) : (
            <>Reason: {s.reason}</>
          )}
        </div>
      )}
      {!s.endedAt && (
        <div class="actions-bar" data-testid="saga-actions">
          {s.stuck && (
            <button class="op" data-testid="action-resume" onClick={() => setActing({ action: 'resume' })}>
              Resume…
            </button>
          )}
          {s.status === 'RUNNING' && (
            <button
              class="op danger"
              data-testid="action-cancel"
              onClick={() => setActing({ action: 'cancel' })}
            >
              Cancel saga…
            </button>
          )}
        </div>
      )}
      {acting && (
        <ActionForm
          sagaId={s.id}
          pending={acting}
          onClose={() => setActing(null)}
          onDone={() => {
            setActing(null);
            setReloads((n) => n + 1);
          }}
        />
      )}
      <h2>Steps</h2>
      <div class="diagram-box">
        <SagaDiagram detail={detail} />
      </div>
      <h2>Lifecycle</h2>
      <table class="compact">
        <tbody>
          {detail.transitions.map((t) => (
            <tr>
              <td>{time(t.at)}</td>
              <td>{t.transition}</td>
              <td>{t.step ?? ''}</td>
              <td>{t.status.toLowerCase()}</td>
              <td class="problem">{t.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {detail.deadLetters.length > 0 && (
        <>
          <h2>Dead letters</h2>
          <table class="compact dlt">
            <tbody>
              {detail.deadLetters.map((d) => (
                <tr>
                  <td>{time(d.failedAt)}</td>
                  <td>{d.messageType}</td>
                  <td>
                    {d.originalTopic}/{d.originalPartition}@{d.originalOffset}
                  </td>
                  <td>{d.consumer}</td>
                  <td>{d.attempts} attempts</td>
                  <td class="problem">
                    {d.errorCode}: {d.errorMessage}
                  </td>
                  <td data-testid="dead-letter-actions" data-offset={d.offset}>
                    {d.handledBy ? (
                      <span class="sub" data-testid="dead-letter-handled">
                        {d.handledBy.action === 'retry-dead-letter' ? 'retried' : 'discarded'} by{' '}
                        {d.handledBy.operator}: {d.handledBy.reason}
                      </span>
                    ) : (
                      <>
                        <button
                          class="op"
                          data-testid="action-retry"
                          onClick={() =>
                            setActing({
                              action: 'retry-dead-letter',
                              deadLetter: { topic: d.topic, partition: d.partition, offset: d.offset },
                            })
                          }
                        >
                          Retry…
                        </button>{' '}
                        <button
                          class="op danger"
                          data-testid="action-discard"
                          onClick={() =>
                            setActing({
                              action: 'discard-dead-letter',
                              deadLetter: { topic: d.topic, partition: d.partition, offset: d.offset },
                            })
                          }
                        >
                          Discard…
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>
        Timeline <span class="sub">every message with correlation id {s.correlationId}</span>
      </h2>
      <table class="timeline" data-testid="timeline">
        <thead>
          <tr>
            <th>Time</th>
            <th>Type</th>
            <th>Topic / partition @ offset</th>
            <th>Source</th>
            <th>Caused by</th>
            <th title="occurred-at → Kafka record timestamp: outbox commit to relay publish">→ Kafka</th>
            <th title="occurred-at → the consuming transaction (its first caused record): relay, broker, consumer lag and handler">
              → consumed
            </th>
          </tr>
        </thead>
        <tbody>
          {timelineRows(detail).map((row) => {
            if (row.kind === 'action') {
              const a = row.action;
              return (
                <tr class="operator-action" data-action={a.action} data-testid="timeline-action">
                  <td>{time(a.requestedAt)}</td>
                  <td>
                    operator: {a.action}{' '}
                    <span class={`badge outcome-${a.outcome}`} data-testid="action-outcome">
                      {a.outcome}
                    </span>
                  </td>
                  <td class="mono">{a.targetTopic ?? ''}</td>
                  <td>{a.operator}</td>
                  <td data-testid="action-reason-text" colSpan={3}>
                    {a.reason}
                    {a.error && <span class="problem"> ({a.error})</span>}
                  </td>
                </tr>
              );
            }
            const m = row.message;
            const key = `${m.topic}/${m.partition}/${m.offset}`;
            const cause = m.causationId
              ? detail.messages.find((x) => x.messageId === m.causationId)
              : undefined;
            return (
              <>
                <tr
                  class={`${m.deadLetter ? 'dlt' : ''} ${m.decodeError ? 'bad' : ''}`}
                  onClick={() => toggle(key)}
                  data-message-type={m.messageType ?? ''}
                >
                  <td>{time(m.occurredAt ?? m.kafkaTimestamp)}</td>
                  <td>
                    {m.messageType ?? '(no type)'}
                    {m.deadLetter && <span class="badge stuck">DLT</span>}
                  </td>
                  <td class="mono">
                    {m.topic} / {m.partition} @ {m.offset}
                  </td>
                  <td>{m.source ?? ''}</td>
                  <td class="mono">
                    {cause ? cause.messageType : m.causationId ? `…${m.causationId.slice(-8)}` : ''}
                  </td>
                  <td class="num" data-testid="hop-publish">
                    {m.hops.publishMs === null ? '' : duration(m.hops.publishMs)}
                  </td>
                  <td
                    class={`num ${slow(m.hops.consumedMs) ? 'slow' : ''}`}
                    data-testid="hop-consumed"
                    title={m.hops.consumedBy ? `consumed by ${m.hops.consumedBy}` : undefined}
                  >
                    {m.hops.consumedMs === null ? '' : duration(m.hops.consumedMs)}
                  </td>
                </tr>
                {open.has(key) && (
                  <tr class="payload">
                    <td colSpan={7}>
                      {m.decodeError && <p class="error">Undecodable: {m.decodeError}</p>}
                      <pre>{JSON.stringify(m.payload, null, 2)}</pre>
                    </td>
                  </tr>
                )}
              </>
            );
          })}
        </tbody>
      </table>
      {detail.messagesTruncated && <p class="sub">Timeline cut at {detail.messages.length} messages.</p>}
    </section>
  );
}

type TimelineRow =
  | { kind: 'message'; at: string; message: SagaDetail['messages'][number] }
  | { kind: 'action'; at: string; action: SagaDetail['actions'][number] };

/** Messages and operator actions in one time order (an action sorts before what it caused). */
function timelineRows(detail: SagaDetail): TimelineRow[] {
  const rows: TimelineRow[] = [
    ...detail.messages.map((m) => ({
      kind: 'message' as const,
      at: m.occurredAt ?? m.kafkaTimestamp,
      message: m,
    })),
    ...detail.actions.map((a) => ({ kind: 'action' as const, at: a.requestedAt, action: a })),
  ];
  // stable: messages keep the server's order among themselves
  return rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => Date.parse(x.r.at) - Date.parse(y.r.at) || x.i - y.i)
    .map((x) => x.r);
}

/** A hop slow enough to stand out: a second or more. */
function slow(ms: number | null): boolean {
  return ms !== null && ms >= 1000;
}
