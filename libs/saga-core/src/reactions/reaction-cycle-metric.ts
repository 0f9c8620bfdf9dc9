import { Gauge, type Registry } from 'prom-client';

/**
 * `sagaflow_reaction_cycles`: how many reaction cycles this service is on, as found by the start-up
 * check (0 until it finished). On the runtime's own registry, so `/metrics` shows it beside the rest.
 */
export function reactionCycleGauge(registry: Registry): Gauge {
  return new Gauge({
    name: 'sagaflow_reaction_cycles',
    help: 'Reaction cycles this service is on, found at start-up in sagaflow.definitions (see the warning log)',
    registers: [registry],
  });
}
