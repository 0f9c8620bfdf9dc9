import { describe, expect, it } from 'vitest';
import { keyOrderViolations, type TopicRecord } from './key-order';

const rec = (offset: number, messageId: string, occurredAt: string, over: Partial<TopicRecord> = {}) => ({
  topic: 'order.events',
  partition: 0,
  offset: String(offset),
  key: 'o1',
  messageId,
  messageType: `T${messageId}`,
  occurredAt,
  ...over,
});

describe('keyOrderViolations', () => {
  it('accepts a key in write order, and duplicates of earlier messages (at-least-once)', () => {
    const records = [
      rec(1, 'a', '2026-12-02T06:00:00.000Z'),
      rec(2, 'b', '2026-12-02T06:00:01.000Z'),
      rec(3, 'a', '2026-12-02T06:00:00.000Z'),
      rec(4, 'c', '2026-12-02T06:00:02.000Z'),
    ];
    expect(keyOrderViolations(records)).toEqual([]);
  });

  it('names a message published after one written later for the same key', () => {
    const records = [rec(7, 'b', '2026-12-02T06:00:01.000Z'), rec(8, 'a', '2026-12-02T06:00:00.000Z')];
    expect(keyOrderViolations(records)).toEqual([expect.stringMatching(/o1: Ta .* at offset 8 after Tb/)]);
  });

  it('names a key found on two partitions, and checks only the keys asked for', () => {
    const records = [
      rec(1, 'a', '2026-12-02T06:00:00Z'),
      rec(1, 'b', '2026-12-02T06:00:01Z', { partition: 2 }),
    ];
    expect(keyOrderViolations(records)).toEqual(['order.events o1: on partitions 0, 2']);
    expect(keyOrderViolations(records, new Set(['o2']))).toEqual([]);
  });
});
