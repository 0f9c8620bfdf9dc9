import { randomUUID } from 'node:crypto';

/**
 * A new KRaft cluster id: 16 random bytes in URL-safe base64 without padding, never starting with `-`.
 * `kafka-storage format -t <id>` parses an id that starts with `-` as an option and fails with
 * "argument --cluster-id/-t: expected one argument", so one id in 64 would break a cluster's first start
 * (Kafka's own `Uuid.randomUuid` skips such ids for the same reason).
 */
export function newKafkaClusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
