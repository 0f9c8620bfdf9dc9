import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LifecycleTransitionName } from '../engine/saga-outcome';

/** How one handled message ended, the `outcome` label of `sagaflow_messages_handled_total`. */
export type HandledOutcome =
  | 'applied'
  | 'applied_in_process'
  | 'in_process_copy'
  | 'duplicate'
  | 'ignored'
  | 'discarded'
  | 'dead_lettered'
  | 'not_subscribed'
  | 'filtered';

const sagaCounters: Partial<
  Record<
    LifecycleTransitionName,
    'started' | 'completed' | 'compensated' | 'failed' | 'timed_out' | 'step_retried'
  >
> = {
  Started: 'started',
  Completed: 'completed',
  Compensated: 'compensated',
  Failed: 'failed',
  TimedOut: 'timed_out',
  StepRetried: 'step_retried',
};

/**
 * The runtime's Prometheus metrics, on a registry of its own (never prom-client's global one), so an app
 * serves them on `/metrics` with `await metrics.registry.metrics()`.
 */
export class SagaflowMetrics {
  /** The registry holding every Sagaflow metric of this service. */
  readonly registry: Registry;
  private readonly handled: Counter<'message_type' | 'consumer' | 'outcome'>;
  private readonly retries: Counter<'message_type' | 'consumer' | 'error_code'>;
  private readonly deadLettered: Counter<'message_type' | 'consumer' | 'error_code'>;
  private readonly sagas: Counter<'saga_type' | 'transition'>;
  private readonly duration: Histogram<'consumer'>;
  private readonly inFlight: Gauge;
  private readonly deadlines: Counter<'saga_type' | 'outcome'>;
  private readonly inboxDeleted: Counter;

  constructor(registry: Registry = new Registry(), labels: Record<string, string> = {}) {
    this.registry = registry;
    if (Object.keys(labels).length > 0) registry.setDefaultLabels(labels);
    const registers = [registry];
    this.handled = new Counter({
      name: 'sagaflow_messages_handled_total',
      help: 'Messages handled, by type, consumer (saga type or Class.method) and outcome',
      labelNames: ['message_type', 'consumer', 'outcome'],
      registers,
    });
    this.retries = new Counter({
      name: 'sagaflow_message_retries_total',
      help: 'Attempts that failed and were retried in a fresh transaction',
      labelNames: ['message_type', 'consumer', 'error_code'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'sagaflow_messages_dead_lettered_total',
      help: 'Messages sent to <topic>.dlt after their retries',
      labelNames: ['message_type', 'consumer', 'error_code'],
      registers,
    });
    this.sagas = new Counter({
      name: 'sagaflow_sagas_total',
      help: 'Saga lifecycle transitions: started, completed, compensated, failed, timed_out, step_retried',
      labelNames: ['saga_type', 'transition'],
      registers,
    });
    this.duration = new Histogram({
      name: 'sagaflow_handler_duration_seconds',
      help: 'Time to handle one message, transaction and retries included',
      labelNames: ['consumer'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'sagaflow_messages_in_flight',
      help: 'Messages being handled now',
      registers,
    });
    this.deadlines = new Counter({
      name: 'sagaflow_deadlines_fired_total',
      help: 'Deadlines that fell due and were handled',
      labelNames: ['saga_type', 'outcome'],
      registers,
    });
    this.inboxDeleted = new Counter({
      name: 'sagaflow_inbox_rows_deleted_total',
      help: 'Inbox rows deleted past their retention (inbox.retention)',
      registers,
    });
  }

  /** @internal */
  messageHandled(messageType: string, consumer: string, outcome: HandledOutcome): void {
    this.handled.inc({ message_type: messageType, consumer, outcome });
  }

  /** @internal */
  retried(messageType: string, consumer: string, errorCode: string): void {
    this.retries.inc({ message_type: messageType, consumer, error_code: errorCode });
  }

  /** @internal */
  deadLetter(messageType: string, consumer: string, errorCode: string): void {
    this.deadLettered.inc({ message_type: messageType, consumer, error_code: errorCode });
  }

  /** @internal */
  transitions(sagaType: string, names: readonly LifecycleTransitionName[]): void {
    for (const n of names) {
      const t = sagaCounters[n];
      if (t) this.sagas.inc({ saga_type: sagaType, transition: t });
    }
  }

  /** @internal */
  timeHandler(consumer: string): () => void {
    this.inFlight.inc();
    const end = this.duration.startTimer({ consumer });
    return () => {
      end();
      this.inFlight.dec();
    };
  }

  /** @internal */
  inboxRowsDeleted(n: number): void {
    this.inboxDeleted.inc(n);
  }

  /** @internal */
  deadlineFired(sagaType: string, outcome: 'applied' | 'conflict' | 'failed' | 'version_gap'): void {
    this.deadlines.inc({ saga_type: sagaType, outcome });
  }
}
