import { QueryParamError } from './query-error';

/** Where a page of the saga list ends: the last row's sort key (newest first, then by id). */
export interface ListCursor {
  startedAt: string;
  sagaId: string;
}

/** An opaque, URL-safe cursor for the next page. */
export function encodeCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify([c.startedAt, c.sagaId])).toString('base64url');
}

/** @throws QueryParamError naming `cursor` when it was not made by {@link encodeCursor}. */
export function decodeCursor(raw: string): ListCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'string' &&
      !Number.isNaN(Date.parse(v[0]))
    ) {
      return { startedAt: v[0], sagaId: v[1] };
    }
  } catch {
    // reported below
  }
  throw new QueryParamError('cursor', 'cursor is not a cursor this API returned (pass nextCursor unchanged)');
}
