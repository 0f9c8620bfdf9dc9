import { describe, expect, it } from 'vitest';
import { toJsonSafe } from './json-safe';

describe('toJsonSafe', () => {
  it('keeps JSON values and converts what jsonb cannot hold', () => {
    class AvroRecord {
      constructor(
        readonly id: string,
        readonly raw: Buffer,
      ) {}
    }
    expect(
      toJsonSafe({
        a: 1,
        b: [true, null, 'x'],
        c: new AvroRecord('r', Buffer.from('hi')),
        d: 12n,
        e: Number.NaN,
        f: undefined,
      }),
    ).toEqual({ a: 1, b: [true, null, 'x'], c: { id: 'r', raw: 'aGk=' }, d: '12', e: 'NaN', f: null });
  });
});
