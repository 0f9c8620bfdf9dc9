/** A time as HH:MM:SS.mmm, with the date when it is not today. */
export function time(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  const t =
    d.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  return sameDay ? t : `${d.toLocaleDateString()} ${t}`;
}

/** A duration in ms as "840 ms", "3.2 s", "4 min". */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** The last 8 characters of an id, enough to tell sagas apart on screen. */
export function shortId(id: string): string {
  return id.length > 12 ? `…${id.slice(-8)}` : id;
}
