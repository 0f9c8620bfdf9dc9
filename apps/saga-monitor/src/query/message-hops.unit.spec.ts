import { describe, expect, it } from 'vitest';
import { messageHops, type HopInput } from './message-hops';

const m = (
  id: string,
  cause: string | null,
  occurredAt: number,
  kafkaAt: number,
  extra: Partial<HopInput> = {},
): HopInput => ({
  messageId: id,
  causationId: cause,
  source: `svc-${id}`,
  occurredAt: new Date(occurredAt).toISOString(),
  kafkaTimestamp: new Date(kafkaAt).toISOString(),
  deadLetter: false,
  ...extra,
});

describe('messageHops', () => {
  it('measures publish (occurred-at → Kafka) and consume (occurred-at → first caused record)', () => {
    const hops = messageHops([
      m('a', null, 1000, 1040),
      m('b', 'a', 1300, 1310), // the consuming transaction of a wrote b …
      m('t', 'a', 1290, 1295), // … and a lifecycle transition a little earlier
      m('c', 'b', 1500, 1502),
    ]);
    expect(hops[0]).toEqual({ publishMs: 40, consumedMs: 290, consumedBy: 'svc-t' });
    expect(hops[1]).toEqual({ publishMs: 10, consumedMs: 200, consumedBy: 'svc-c' });
    expect(hops[3]).toEqual({ publishMs: 2, consumedMs: null, consumedBy: null });
  });

  it('never counts a dead letter as the consumer, nor gives it a consume time', () => {
    const hops = messageHops([
      m('a', null, 1000, 1010),
      m('a', null, 1000, 5000, { deadLetter: true }),
      m('x', 'a', 9000, 9001, { deadLetter: true }),
    ]);
    expect(hops[0]!.consumedMs).toBeNull();
    expect(hops[1]!.consumedMs).toBeNull();
  });

  it('knows nothing of a message without occurred-at', () => {
    expect(messageHops([m('a', null, 0, 10, { occurredAt: null })])[0]).toEqual({
      publishMs: null,
      consumedMs: null,
      consumedBy: null,
    });
  });
});
