import { Kafka, logLevel } from 'kafkajs';

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
