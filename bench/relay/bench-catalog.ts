// The catalog the benchmark's relay process loads (--catalog): one event type on the bench topic.
import { benchEventType } from './bench-event';

export const BenchEvent = benchEventType(process.env.BENCH_TOPIC ?? 'bench.topic-not-set');
