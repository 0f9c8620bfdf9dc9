import { decodeFlowCursor, type FlowCursor } from './flow-cursor';
import { pageSize } from './parse-list-query';
import { QueryParamError } from './query-error';

/** The filter and page of `GET /api/flows`. */
export interface FlowListQuery {
  /** true: stalled flows only; false: all but stalled; null: all. */
  stalled: boolean | null;
  limit: number;
  cursor: FlowCursor | null;
}

/**
 * Refuses parameters a route does not know, and repeated ones, as `GET /api/sagas` does.
 * @throws QueryParamError naming the parameter.
 */
export function checkKnownParams(params: URLSearchParams, known: ReadonlySet<string>): void {
  for (const name of new Set(params.keys())) {
    if (!known.has(name)) {
      const list = known.size > 0 ? ` (known: ${[...known].join(', ')})` : ' (this route takes none)';
      throw new QueryParamError(name, `unknown parameter ${name}${list}`);
    }
    if (params.getAll(name).length > 1)
      throw new QueryParamError(name, `parameter ${name} is given more than once`);
  }
}

const known = new Set(['stalled', 'limit', 'cursor']);

/**
 * Parses the flows list query string.
 * @throws QueryParamError naming the first parameter at fault.
 */
export function parseFlowQuery(params: URLSearchParams): FlowListQuery {
  checkKnownParams(params, known);
  const get = (name: string): string | null => {
    const v = params.get(name);
    return v === null || v === '' ? null : v;
  };
  const stalled = get('stalled');
  if (stalled !== null && stalled !== 'true' && stalled !== 'false')
    throw new QueryParamError('stalled', `stalled must be true or false; got "${stalled}"`);
  const limitRaw = get('limit');
  let limit: number = pageSize.default;
  if (limitRaw !== null) {
    limit = Number(limitRaw);
    if (!/^\d+$/.test(limitRaw) || limit < 1 || limit > pageSize.max)
      throw new QueryParamError(
        'limit',
        `limit must be an integer from 1 to ${pageSize.max}; got "${limitRaw}"`,
      );
  }
  const cursor = get('cursor');
  return {
    stalled: stalled === null ? null : stalled === 'true',
    limit,
    cursor: cursor === null ? null : decodeFlowCursor(cursor),
  };
}
