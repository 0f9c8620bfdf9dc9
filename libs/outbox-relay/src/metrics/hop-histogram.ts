import { Histogram, type Registry } from 'prom-client';

/**
 * The hops of one message through Sagaflow, the `stage` label of `sagaflow_hop_seconds`:
 * - `append_to_read`: appended to the outbox → read by the relay (the rest of the writer's transaction,
 *   its commit, the wake-up and the read);
 * - `read_to_ack`: read by the relay → acknowledged by Kafka (encoding and the send);
 * - `send_to_fetch`: handed to the producer (the record's timestamp) → fetched by a consumer;
 * - `fetch_to_commit`: fetched → the consuming transaction committed (decoding, queueing, the handler);
 * - `commit_to_offset`: committed → its offset committed to Kafka.
 */
export type HopStage =
  'append_to_read' | 'read_to_ack' | 'send_to_fetch' | 'fetch_to_commit' | 'commit_to_offset';

/** Metric name of {@link hopHistogram}. */
export const hopMetricName = 'sagaflow_hop_seconds';

// fine below 50 ms, where an idle hop lives, and up to the step timeouts the demo uses
const buckets = [
  0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1,
  2.5, 5, 10, 30,
];

/**
 * The `sagaflow_hop_seconds{stage}` histogram of `registry`: created on first use, shared afterwards, so
 * the relay and the consumers of one service record into one metric.
 */
export function hopHistogram(registry: Registry): Histogram<'stage'> {
  const existing = registry.getSingleMetric(hopMetricName);
  if (existing) return existing as Histogram<'stage'>;
  return new Histogram({
    name: hopMetricName,
    help: 'Time of each hop of a message: append_to_read, read_to_ack, send_to_fetch, fetch_to_commit, commit_to_offset',
    labelNames: ['stage'],
    buckets,
    registers: [registry],
  });
}
