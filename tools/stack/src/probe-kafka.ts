import { Kafka, logLevel } from 'kafkajs';
import { applyKafkaJsRequestQueueFix } from './kafkajs-request-queue-fix';

// The stack's only KafkaJS client: without the fix, every `stack:status` and test run printed
// TimeoutNegativeWarning. The file is a copy of libs/outbox-relay's (the library's tests depend on this
// tool, so the tool cannot import the library); libs/outbox-relay/test/kafkajs-warning.int.spec.ts keeps them equal.
applyKafkaJsRequestQueueFix();

/**
 * Asks the brokers for cluster metadata once; resolves to the controller-visible broker count,
 * rejects with kafkajs's own error when nothing answers.
 */
export async function probeKafka(brokers: readonly string[], timeoutMs = 2_000): Promise<number> {
  const kafka = new Kafka({
    clientId: 'sagaflow-stack-probe',
    brokers: [...brokers],
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
