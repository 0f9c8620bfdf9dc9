import { describe, expect, it } from 'vitest';
import { untilTopicsKnown } from './until-topics-known';

const unknownTopic = () =>
  Object.assign(new Error('This server does not host this topic-partition'), {
    type: 'UNKNOWN_TOPIC_OR_PARTITION',
  });

describe('untilTopicsKnown', () => {
  it('asks again while a broker does not know the topic yet', async () => {
    let calls = 0;
    const answer = await untilTopicsKnown(async () => {
      if (++calls < 3) throw unknownTopic();
      return 'known';
    });
    expect({ answer, calls }).toEqual({ answer: 'known', calls: 3 });
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    await expect(
      untilTopicsKnown(async () => {
        calls++;
        throw Object.assign(new Error('denied'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
      }),
    ).rejects.toThrow('denied');
    expect(calls).toBe(1);
  });
});
