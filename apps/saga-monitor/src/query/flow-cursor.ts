import { QueryParamError } from './query-error';

/** Where a page of the flows list ends: the last flow's sort key (newest first, then by correlation id). */
export interface FlowCursor {
  startedAt: string;
  correlationId: string;
}

/** An opaque, URL-safe cursor for the next page of flows. */
export function encodeFlowCursor(c: FlowCursor): string {
  return Buffer.from(JSON.stringify(['flow', c.startedAt, c.correlationId])).toString('base64url');
}

/** @throws QueryParamError naming `cursor` when it was not made by {@link encodeFlowCursor}. */
export function decodeFlowCursor(raw: string): FlowCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 3 &&
      v[0] === 'flow' &&
      typeof v[1] === 'string' &&
      typeof v[2] === 'string' &&
      !Number.isNaN(Date.parse(v[1]))
    ) {
      return { startedAt: v[1], correlationId: v[2] };
    }
  } catch {
    // reported below
  }
  throw new QueryParamError('cursor', 'cursor is not a cursor this API returned (pass nextCursor unchanged)');
}
