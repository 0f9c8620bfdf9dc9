import type { Type } from 'avsc';

// PostgreSQL's jsonb refuses the NUL character (\u0000), which Avro's JSON encoding writes for every 0x00
// byte of a bytes, fixed or decimal value and for NUL in a string. Stored in its place: this private-use
// character and `0`; the character itself, wherever a payload holds it, is stored as itself and `e`, so
// the escape can always be undone (docs/decisions/0075).
const mark = '\uE000';
// one JSON escape sequence at a time, so the `\u0000` inside an escaped backslash (`\\u0000`) is left alone
const escapable = /\\u0000|\\.|\uE000/g;
const escaped = /\uE000([0e])/g;

const hasFloats = new WeakMap<Type, boolean>();

/**
 * The payload as the outbox stores it: Avro's JSON encoding of the record (readable in `payload`, and exact
 * for bytes, unions and longs), with NUL characters escaped so that jsonb takes every value.
 */
export function toOutboxJson(type: Type, payload: unknown): string {
  const json = type.toString(payload);
  return json.includes('\\u0000') || json.includes(mark) ? json.replace(escapable, escapeOne) : json;
}

/** The record a `payload` written by {@link toOutboxJson} holds, as read back from jsonb (`payload::text`). */
export function fromOutboxJson(type: Type, text: string): unknown {
  return type.fromString(text.includes(mark) ? text.replace(escaped, unescapeOne) : text);
}

/**
 * The path of a float or double that JSON cannot carry (NaN, Infinity), or undefined. Only types with
 * floating-point fields are walked.
 */
export function nonFiniteNumberIn(type: Type, payload: unknown): string | undefined {
  let floats = hasFloats.get(type);
  if (floats === undefined) {
    floats = /"(float|double)"/.test(JSON.stringify(type.schema()));
    hasFloats.set(type, floats);
  }
  return floats ? find(payload, 'payload') : undefined;
}

function find(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = find(value[i], `${path}[${i}]`);
      if (at) return at;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const at = find(v, `${path}.${k}`);
    if (at) return at;
  }
  return undefined;
}

function escapeOne(m: string): string {
  if (m === '\\u0000') return `${mark}0`;
  return m === mark ? `${mark}e` : m;
}

function unescapeOne(_m: string, c: string): string {
  return c === '0' ? '\\u0000' : mark;
}
