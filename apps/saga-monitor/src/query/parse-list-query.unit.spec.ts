import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';
import { decodeDurationCursor, encodeDurationCursor } from './duration-cursor';
import { parseListQuery } from './parse-list-query';
import { QueryParamError } from './query-error';

const parse = (qs: string) => parseListQuery(new URLSearchParams(qs));

describe('parseListQuery', () => {
  it('reads every filter', () => {
    const cursor = encodeCursor({ startedAt: '2025-01-01T00:00:00.000Z', sagaId: 's-9' });
    expect(
      parse(
        `type=OrderFulfilment&status=running,FAILED&startedFrom=2025-01-01&startedTo=2025-01-02T10:00:00Z&stuck=true&limit=20&cursor=${cursor}`,
      ),
    ).toEqual({
      type: 'OrderFulfilment',
      statuses: ['RUNNING', 'FAILED'],
      startedFrom: '2025-01-01T00:00:00.000Z',
      startedTo: '2025-01-02T10:00:00.000Z',
      stuck: true,
      limit: 20,
      sort: 'started',
      cursor: { startedAt: '2025-01-01T00:00:00.000Z', sagaId: 's-9' },
      durationCursor: null,
    });
  });

  it('defaults to the newest 50 of everything', () => {
    expect(parse('')).toEqual({
      type: null,
      statuses: null,
      startedFrom: null,
      startedTo: null,
      stuck: null,
      limit: 50,
      sort: 'started',
      cursor: null,
      durationCursor: null,
    });
  });

  it.each([
    ['status=DONE', 'status'],
    ['startedFrom=yesterday', 'startedFrom'],
    ['startedFrom=2025-02-01&startedTo=2025-01-01', 'startedTo'],
    ['stuck=yes', 'stuck'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=1.5', 'limit'],
    ['cursor=abc', 'cursor'],
    ['page=2', 'page'],
    ['type=a&type=b', 'type'],
    ['sort=slowest', 'sort'],
    [
      `sort=duration&cursor=${encodeCursor({ startedAt: '2025-01-01T00:00:00.000Z', sagaId: 'x' })}`,
      'cursor',
    ],
  ])('%s → 400 naming %s', (qs, parameter) => {
    let error: unknown;
    try {
      parse(qs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueryParamError);
    expect((error as QueryParamError).parameter).toBe(parameter);
    expect((error as QueryParamError).message).toContain(parameter);
  });

  it('round-trips cursors', () => {
    const c = { startedAt: '2025-01-01T00:00:00.000Z', sagaId: 'x' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });

  it('sorts by duration with a cursor of its own', () => {
    const c = { durationMs: 4200, sagaId: 's-1', asOf: '2025-01-01T00:00:00.000Z' };
    expect(decodeDurationCursor(encodeDurationCursor(c))).toEqual(c);
    expect(parse(`sort=duration&cursor=${encodeDurationCursor(c)}`)).toMatchObject({
      sort: 'duration',
      cursor: null,
      durationCursor: c,
    });
  });
});
