import { describe, expect, it } from 'vitest';
import { newKafkaClusterId } from './kafka-cluster-id';

describe('newKafkaClusterId', () => {
  it('never starts with "-", which kafka-storage would read as an option (about 1 id in 64 did)', () => {
    const ids = Array.from({ length: 5_000 }, () => newKafkaClusterId());
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
  });

  it('is 16 bytes in URL-safe base64 without padding, as KRaft expects', () => {
    const id = newKafkaClusterId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });
});
