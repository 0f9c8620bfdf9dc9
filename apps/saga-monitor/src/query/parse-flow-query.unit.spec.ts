import { describe, expect, it } from 'vitest';
import { encodeFlowCursor } from './flow-cursor';
import { checkKnownParams, parseFlowQuery } from './parse-flow-query';
import { QueryParamError } from './query-error';

const parse = (q: string) => parseFlowQuery(new URLSearchParams(q));
const parameterOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof QueryParamError) return e.parameter;
    throw e;
  }
  return undefined;
};

describe('parseFlowQuery', () => {
  it('defaults to every flow, 50 per page', () => {
    expect(parse('')).toEqual({ stalled: null, limit: 50, cursor: null });
  });

  it('reads the filter, the page size and a cursor it made', () => {
    const cursor = encodeFlowCursor({ startedAt: '2025-01-01T00:00:00.000Z', correlationId: 'c-1' });
    expect(parse(`stalled=true&limit=5&cursor=${cursor}`)).toEqual({
      stalled: true,
      limit: 5,
      cursor: { startedAt: '2025-01-01T00:00:00.000Z', correlationId: 'c-1' },
    });
  });

  it.each([
    ['stalled=yes', 'stalled'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=1.5', 'limit'],
    ['cursor=abc', 'cursor'],
    ['status=RUNNING', 'status'],
    ['limit=1&limit=2', 'limit'],
  ])('refuses %s naming %s', (q, parameter) => {
    expect(parameterOf(() => parse(q))).toBe(parameter);
  });

  it('refuses a saga-list cursor', () => {
    const sagaCursor = Buffer.from(JSON.stringify(['2025-01-01T00:00:00.000Z', 's-1'])).toString('base64url');
    expect(parameterOf(() => parse(`cursor=${sagaCursor}`))).toBe('cursor');
  });
});

describe('checkKnownParams', () => {
  it('says a route takes no parameters', () => {
    expect(() => checkKnownParams(new URLSearchParams('x=1'), new Set())).toThrow(
      'unknown parameter x (this route takes none)',
    );
  });
});
