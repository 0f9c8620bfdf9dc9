import { ConfigError, SagaflowError } from '@sagaflow/outbox-relay';
import { Kafka, logLevel } from 'kafkajs';
import { definitionsTopic } from '../lifecycle/definition-message';

/** What {@link retireService} takes. */
export interface RetireServiceOptions {
  brokers: readonly string[];
  /** The service name, as in its config (`service`): its reactions are `reactions:<service>`. */
  service: string;
  /** Saga types the service hosted and no other service hosts now: each `saga:<type>` is removed too. */
  sagaTypes?: readonly string[];
  /** The definitions topic (default `sagaflow.definitions`; a prefixed deployment's own name otherwise). */
  topic?: string;
}

/**
 * Removes a service that was taken out of the system from the picture the definitions give: publishes a
 * tombstone for `reactions:<service>` (and `saga:<type>` of each given saga type) on the compacted
 * definitions topic, so compaction forgets them and the monitor stops expecting the service's reactions
 * (a flow no longer waits, stalled, for a service that is gone). Stop every instance first: a service
 * publishes its definitions again each time it starts.
 * @returns the keys tombstoned.
 * @throws ConfigError naming the option at fault.
 * @throws SagaflowError BROKER_UNAVAILABLE (retriable) when Kafka did not acknowledge the tombstones.
 */
export async function retireService(options: RetireServiceOptions): Promise<string[]> {
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(options.service ?? ''))
    throw new ConfigError(
      `retireService: service must be a service name like inventory-service (got ${JSON.stringify(options.service)})`,
      { setting: 'service' },
    );
  if (!Array.isArray(options.brokers) || options.brokers.length === 0)
    throw new ConfigError('retireService: brokers must name at least one broker (host:port)', {
      setting: 'brokers',
    });
  const bad = (options.sagaTypes ?? []).find((t) => typeof t !== 'string' || t.trim() === '');
  if (bad !== undefined)
    throw new ConfigError(`retireService: sagaTypes must be saga type names (got ${JSON.stringify(bad)})`, {
      setting: 'sagaTypes',
    });
  const keys = [`reactions:${options.service}`, ...(options.sagaTypes ?? []).map((t) => `saga:${t}`)];
  const kafka = new Kafka({
    clientId: `sagaflow-retire-${options.service}`,
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await producer.connect();
    await producer.send({
      topic: options.topic ?? definitionsTopic,
      acks: -1,
      messages: keys.map((key) => ({ key, value: null })),
    });
  } catch (cause) {
    throw new SagaflowError(
      'BROKER_UNAVAILABLE',
      `retireService: Kafka did not acknowledge the tombstones of ${keys.join(', ')}: ${(cause as Error).message}`,
      { retriable: true, cause, context: { keys } },
    );
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  return keys;
}
