import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Whether a request may read data. With no token configured everything may; otherwise the request must
 * carry `Authorization: Bearer <token>`, or `access_token=<token>` in the query where a browser cannot
 * set headers (EventSource, RFC 6750 §2.3). Compared in constant time.
 */
export function isAuthorized(
  req: Pick<IncomingMessage, 'headers'>,
  url: URL,
  token: string | undefined,
): boolean {
  if (token === undefined) return true;
  const header = req.headers.authorization;
  const given = header?.startsWith('Bearer ')
    ? header.slice('Bearer '.length).trim()
    : url.searchParams.get('access_token');
  if (!given) return false;
  // hashing first makes both sides the same length, so timingSafeEqual never leaks the token's length
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(token));
}
