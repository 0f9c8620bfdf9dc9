import { QueryParamError } from './query-error';

/**
 * Where a page of the list sorted by duration ends: the last row's duration and id, and the instant
 * running sagas' durations are measured at. Every page of one listing measures at the same `asOf`, so a
 * running saga's growing age cannot make it appear twice or not at all.
 */
export interface DurationCursor {
  durationMs: number;
  sagaId: string;
  asOf: string;
}

/** An opaque, URL-safe cursor for the next page of a duration-sorted list. */
export function encodeDurationCursor(c: DurationCursor): string {
  return Buffer.from(JSON.stringify(['duration', c.durationMs, c.sagaId, c.asOf])).toString('base64url');
}

/** @throws QueryParamError naming `cursor` when it was not made by {@link encodeDurationCursor}. */
export function decodeDurationCursor(raw: string): DurationCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 4 &&
      v[0] === 'duration' &&
      Number.isSafeInteger(v[1]) &&
      typeof v[2] === 'string' &&
      typeof v[3] === 'string' &&
      !Number.isNaN(Date.parse(v[3]))
    ) {
      return { durationMs: v[1] as number, sagaId: v[2], asOf: v[3] };
    }
  } catch {
    // reported below
  }
  throw new QueryParamError(
    'cursor',
    'cursor is not a cursor of a sort=duration listing (pass nextCursor unchanged, with the same sort)',
  );
}
