/**
 * Per-hop latency from the services' `sagaflow_hop_seconds{stage}` histograms: scraped from `/metrics`
 * before and after a phase, the bucket counts are subtracted and summed over the services, and the
 * percentiles are read from the cumulative buckets by linear interpolation (as PromQL's
 * `histogram_quantile` does), so a phase's figures cover exactly its own messages.
 */

/** Cumulative bucket counts by stage, then by upper bound (seconds; `Infinity` for +Inf). */
export type HopBuckets = Map<string, Map<number, number>>;

/** The stages in the order a message passes them. */
export const hopStages = [
  'append_to_read',
  'read_to_ack',
  'send_to_fetch',
  'fetch_to_commit',
  'commit_to_offset',
] as const;

/** Parses the `sagaflow_hop_seconds_bucket` lines of a Prometheus text exposition. */
export function parseHopBuckets(text: string): HopBuckets {
  const out: HopBuckets = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('sagaflow_hop_seconds_bucket{')) continue;
    const stage = /stage="([^"]+)"/.exec(line)?.[1];
    const le = /le="([^"]+)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (!stage || !le || !Number.isFinite(value)) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    const buckets = out.get(stage) ?? new Map<number, number>();
    buckets.set(bound, (buckets.get(bound) ?? 0) + value);
    out.set(stage, buckets);
  }
  return out;
}

/** Sums several scrapes (one per service). */
export function sumBuckets(all: readonly HopBuckets[]): HopBuckets {
  const out: HopBuckets = new Map();
  for (const b of all)
    for (const [stage, buckets] of b) {
      const target = out.get(stage) ?? new Map<number, number>();
      for (const [bound, n] of buckets) target.set(bound, (target.get(bound) ?? 0) + n);
      out.set(stage, target);
    }
  return out;
}

/** `after - before`, bucket by bucket. */
export function diffBuckets(after: HopBuckets, before: HopBuckets): HopBuckets {
  const out: HopBuckets = new Map();
  for (const [stage, buckets] of after) {
    const prior = before.get(stage);
    out.set(stage, new Map([...buckets].map(([bound, n]) => [bound, n - (prior?.get(bound) ?? 0)])));
  }
  return out;
}

/** The q-quantile (0–1) in milliseconds of one stage's cumulative buckets; NaN when it saw nothing. */
export function quantileMs(buckets: Map<number, number> | undefined, q: number): number {
  if (!buckets) return Number.NaN;
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, count] of sorted) {
    if (count >= rank) {
      if (bound === Infinity) return lowerBound * 1000;
      const inBucket = count - lowerCount;
      const fraction = inBucket === 0 ? 0 : (rank - lowerCount) / inBucket;
      return (lowerBound + (bound - lowerBound) * fraction) * 1000;
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound * 1000;
}

/** How many messages a stage saw. */
export function countOf(buckets: Map<number, number> | undefined): number {
  return buckets?.get(Infinity) ?? 0;
}
