import { describe, expect, it } from 'vitest';
import { childTraceparent, formatTraceparent, newTraceparent, parseTraceparent } from './traceparent';

const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent', () => {
  it('parses a W3C traceparent into its span context and formats it back', () => {
    const context = parseTraceparent(parent);
    expect(context).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    });
    expect(formatTraceparent(context!)).toBe(parent);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['upper case', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01'],
    ['short', '00-4bf92f35-00f067aa0ba902b7-01'],
  ])('refuses %s', (_, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('keeps the trace id and the sampled flag of the parent in a child, with a new span id', () => {
    const child = parseTraceparent(childTraceparent(parent))!;
    expect(child.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(child.spanId).not.toBe('00f067aa0ba902b7');
    expect(child.traceFlags).toBe(1);
    expect(parseTraceparent(childTraceparent(parent.replace(/01$/, '00')))!.traceFlags).toBe(0);
  });

  it('starts a new trace for a child of nothing or of garbage', () => {
    for (const p of [undefined, null, 'not-a-traceparent']) {
      const child = parseTraceparent(childTraceparent(p));
      expect(child).toBeDefined();
      expect(child!.traceId).not.toBe(parseTraceparent(newTraceparent())!.traceId);
    }
  });
});
