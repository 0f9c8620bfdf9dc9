import { Type } from 'avsc';
import { describe, expect, it } from 'vitest';
import { fromOutboxJson, nonFiniteNumberIn, toOutboxJson } from './outbox-payload';

const type = Type.forSchema(
  {
    type: 'record',
    name: 'P',
    fields: [
      { name: 's', type: 'string' },
      { name: 'b', type: 'bytes' },
      { name: 'm', type: { type: 'map', values: 'bytes' } },
    ],
  },
  { wrapUnions: false },
);

/** Whether a JSON text holds the NUL character in a string or a key (what jsonb refuses). */
function holdsNul(json: string): boolean {
  let found = false;
  JSON.parse(json, (k: string, v: unknown) => {
    if (k.includes('\u0000') || (typeof v === 'string' && v.includes('\u0000'))) found = true;
    return v;
  });
  return found;
}

describe('toOutboxJson / fromOutboxJson: the payload column holds every value', () => {
  it.each([
    ['0x00 bytes', { s: 'x', b: Buffer.from([0, 0, 1, 0]), m: {} }],
    [
      'NUL in a string and a map key',
      { s: 'a\u0000b', b: Buffer.alloc(0), m: { 'k\u0000': Buffer.from([0]) } },
    ],
    [
      'the escape mark itself, before 0 and e',
      { s: '\uE0000 \uE000e \uE000\uE000', b: Buffer.from([0]), m: {} },
    ],
    ['a literal backslash-u0000 text', { s: '\\u0000 and \\\\u0000', b: Buffer.from([92, 0]), m: {} }],
  ])('%s: no NUL reaches jsonb, and the value comes back exactly', (_, value) => {
    const stored = toOutboxJson(type, value);
    expect(holdsNul(stored)).toBe(false);
    // jsonb hands the text back with its own spacing and key order; the escape does not depend on them
    const reread = JSON.stringify(JSON.parse(stored));
    expect(fromOutboxJson(type, reread)).toEqual(value);
  });

  it('a payload without NUL or the mark is stored exactly as Avro writes it (readable as before)', () => {
    const value = { s: 'order-1', b: Buffer.from('abc'), m: { k: Buffer.from('v') } };
    expect(toOutboxJson(type, value)).toBe(type.toString(value));
  });

  it('finds NaN and Infinity, which JSON cannot carry, by path, in types with floating-point fields', () => {
    const floats = Type.forSchema(
      {
        type: 'record',
        name: 'F',
        fields: [{ name: 'xs', type: { type: 'array', items: ['null', 'double'] } }],
      },
      { wrapUnions: false },
    );
    expect(nonFiniteNumberIn(floats, { xs: [1.5, null, Number.NaN] })).toBe('payload.xs[2]');
    expect(nonFiniteNumberIn(floats, { xs: [Infinity] })).toBe('payload.xs[0]');
    expect(nonFiniteNumberIn(floats, { xs: [1, -0] })).toBeUndefined();
    expect(nonFiniteNumberIn(type, { s: 'x', b: Buffer.alloc(0), m: {} })).toBeUndefined();
  });
});
