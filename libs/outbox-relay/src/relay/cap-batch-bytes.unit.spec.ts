import { describe, expect, it } from 'vitest';
import { capBatchBytes, recordBytes } from './cap-batch-bytes';
import type { EncodedMessage } from './encode-batch';
import type { OutboxRow } from './outbox-row';

const message = (id: number, bytes: number): EncodedMessage => ({
  row: { id: String(id) } as OutboxRow,
  message: { key: 'k', value: Buffer.alloc(bytes), headers: {} },
});

describe('capBatchBytes', () => {
  it('keeps the prefix that fits and defers the rest', () => {
    const batch = [message(1, 400), message(2, 400), message(3, 400)];
    const { send, deferred } = capBatchBytes(batch, 2 * recordBytes(batch[0]!));
    expect(send.map((m) => m.row.id)).toEqual(['1', '2']);
    expect(deferred).toBe(1);
  });

  it('sends a single record larger than the cap alone rather than nothing', () => {
    const { send, deferred } = capBatchBytes([message(1, 5000), message(2, 10)], 1000);
    expect(send.map((m) => m.row.id)).toEqual(['1']);
    expect(deferred).toBe(1);
  });

  it('sends everything when it fits', () => {
    expect(capBatchBytes([message(1, 10), message(2, 10)], 10_000).deferred).toBe(0);
  });
});
