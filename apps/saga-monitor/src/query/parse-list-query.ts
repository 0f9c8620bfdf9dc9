import { allStatuses, type SagaStatus } from '../projection/saga-row';
import { decodeCursor, type ListCursor } from './cursor';
import { decodeDurationCursor, type DurationCursor } from './duration-cursor';
import { QueryParamError } from './query-error';

/** The filters and page of `GET /api/sagas`. */
export interface ListQuery {
  type: string | null;
  statuses: SagaStatus[] | null;
  startedFrom: string | null;
  startedTo: string | null;
  stuck: boolean | null;
  limit: number;
  /** `started`: newest first (default); `duration`: longest first (a running saga by its age so far). */
  sort: 'started' | 'duration';
  cursor: ListCursor | null;
  /** The cursor when `sort` is `duration`. */
  durationCursor: DurationCursor | null;
}

const known = new Set(['type', 'status', 'startedFrom', 'startedTo', 'stuck', 'limit', 'cursor', 'sort']);

/** Default and largest page sizes. */
export const pageSize = Object.freeze({ default: 50, max: 500 });

/**
 * Parses and checks the list query string.
 * @throws QueryParamError naming the first parameter at fault: unknown, repeated or malformed.
 */
export function parseListQuery(params: URLSearchParams): ListQuery {
  for (const name of new Set(params.keys())) {
    if (!known.has(name))
      throw new QueryParamError(name, `unknown parameter ${name} (known: ${[...known].join(', ')})`);
    if (params.getAll(name).length > 1)
      throw new QueryParamError(name, `parameter ${name} is given more than once`);
  }
  const get = (name: string): string | null => {
    const v = params.get(name);
    return v === null || v === '' ? null : v;
  };
  const type = get('type');
  if (type !== null && type.length > 200)
    throw new QueryParamError('type', 'type is longer than 200 characters');

  const status = get('status');
  let statuses: SagaStatus[] | null = null;
  if (status !== null) {
    statuses = status.split(',').map((s) => s.trim().toUpperCase() as SagaStatus);
    const bad = statuses.find((s) => !allStatuses.includes(s));
    if (bad !== undefined) {
      throw new QueryParamError(
        'status',
        `status must be one or more of ${allStatuses.join(', ')} (comma-separated); got "${bad}"`,
      );
    }
  }

  const time = (name: string): string | null => {
    const v = get(name);
    if (v === null) return null;
    // a date alone or a full ISO-8601 time; anything Date.parse would guess at is refused
    if (
      !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(v) ||
      Number.isNaN(Date.parse(v))
    ) {
      throw new QueryParamError(
        name,
        `${name} must be an ISO-8601 date or time, e.g. 2025-01-31T12:00:00Z; got "${v}"`,
      );
    }
    return new Date(v).toISOString();
  };
  const startedFrom = time('startedFrom');
  const startedTo = time('startedTo');
  if (startedFrom !== null && startedTo !== null && startedFrom > startedTo) {
    throw new QueryParamError('startedTo', `startedTo (${startedTo}) is before startedFrom (${startedFrom})`);
  }

  const stuckRaw = get('stuck');
  if (stuckRaw !== null && stuckRaw !== 'true' && stuckRaw !== 'false') {
    throw new QueryParamError('stuck', `stuck must be true or false; got "${stuckRaw}"`);
  }

  const limitRaw = get('limit');
  let limit: number = pageSize.default;
  if (limitRaw !== null) {
    limit = Number(limitRaw);
    if (!/^\d+$/.test(limitRaw) || limit < 1 || limit > pageSize.max) {
      throw new QueryParamError(
        'limit',
        `limit must be an integer from 1 to ${pageSize.max}; got "${limitRaw}"`,
      );
    }
  }

  const sortRaw = get('sort') ?? 'started';
  if (sortRaw !== 'started' && sortRaw !== 'duration')
    throw new QueryParamError('sort', `sort must be started or duration; got "${sortRaw}"`);
  const sort: ListQuery['sort'] = sortRaw;

  const cursorRaw = get('cursor');
  return {
    type,
    statuses,
    startedFrom,
    startedTo,
    stuck: stuckRaw === null ? null : stuckRaw === 'true',
    limit,
    sort,
    cursor: cursorRaw === null || sort !== 'started' ? null : decodeCursor(cursorRaw),
    durationCursor: cursorRaw === null || sort !== 'duration' ? null : decodeDurationCursor(cursorRaw),
  };
}
