import { describe, expect, it } from 'vitest';
import { topicReplication } from './topic-replication';

describe('topicReplication', () => {
  it('follows the cluster: 1/1 on one broker, 2/1 on two, 3/2 on three and more', () => {
    expect(topicReplication(1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
    expect(topicReplication(2)).toEqual({ replicationFactor: 2, minInsyncReplicas: 1 });
    expect(topicReplication(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(topicReplication(5)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('takes explicit settings over the defaults', () => {
    expect(topicReplication(5, { replicationFactor: 5 })).toEqual({
      replicationFactor: 5,
      minInsyncReplicas: 2,
    });
    expect(topicReplication(3, { minInsyncReplicas: 3 })).toEqual({
      replicationFactor: 3,
      minInsyncReplicas: 3,
    });
  });

  it('names the setting the cluster cannot meet', () => {
    expect(() => topicReplication(1, { replicationFactor: 3 })).toThrow(/replicationFactor \(3\).*1 broker/);
    expect(() => topicReplication(3, { replicationFactor: 2, minInsyncReplicas: 3 })).toThrow(
      /minInsyncReplicas \(3\) must not exceed replicationFactor \(2\)/,
    );
  });
});
