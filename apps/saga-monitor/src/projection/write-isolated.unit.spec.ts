import { describe, expect, it } from 'vitest';
import { projectMessage } from './projected-message';
import { isRefusedData, unreadable } from './write-isolated';

describe('unreadable', () => {
  it('keeps the position and ids, replaces every NUL, drops the payload and says why', () => {
    const m = projectMessage(
      'order.events',
      0,
      {
        offset: '9',
        key: Buffer.from('k\u0000'),
        value: Buffer.from('x'),
        headers: { 'message-id': 'm\u00001', 'x-odd\u0000': 'v\u0000' },
        timestamp: '0',
      },
      { payload: { note: 'a\u0000b' }, error: null },
    );
    expect(unreadable(m, 'unsupported Unicode escape sequence')).toMatchObject({
      topic: 'order.events',
      offset: '9',
      messageId: 'm\uFFFD1',
      key: 'k\uFFFD',
      headers: { 'message-id': 'm\uFFFD1', 'x-odd\uFFFD': 'v\uFFFD' },
      payload: null,
      decodeError: 'PostgreSQL refused the record: unsupported Unicode escape sequence',
    });
  });
});

describe('isRefusedData', () => {
  it('is true for data exceptions and limits, false for transient or connection failures', () => {
    expect(isRefusedData({ code: '22P05' })).toBe(true);
    expect(isRefusedData({ code: '22021' })).toBe(true);
    expect(isRefusedData({ code: '54000' })).toBe(true);
    expect(isRefusedData({ code: '40P01' })).toBe(false);
    expect(isRefusedData({ code: '57P01' })).toBe(false);
    expect(isRefusedData(new Error('Connection terminated'))).toBe(false);
  });
});
