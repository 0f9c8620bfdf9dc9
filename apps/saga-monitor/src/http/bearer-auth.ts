import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a request's credentials allow: nothing, reading, or reading and operating. */
export type Access = 'none' | 'read' | 'operate';

/** The tokens the monitor was configured with. */
export interface AccessTokens {
  /** `MONITOR_TOKEN`: when set, reading requires it (or the operator token). */
  readonly read: string | undefined;
  /** `MONITOR_OPERATOR_TOKEN`: when unset, no operator action is possible at all. */
  readonly operate: string | undefined;
}

/**
 * The token a request presents: `Authorization: Bearer <token>` (the scheme matched case-insensitively,
 * RFC 7235 §2.1), or `access_token=<token>` in the query where a browser cannot set headers
 * (EventSource, RFC 6750 §2.3) when `allowQuery`.
 */
export function presentedToken(
  req: Pick<IncomingMessage, 'headers'>,
  url: URL,
  allowQuery: boolean,
): string | undefined {
  const header = req.headers.authorization;
  const bearer = header === undefined ? null : /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (bearer) return bearer[1];
  if (header !== undefined) return undefined;
  return allowQuery ? (url.searchParams.get('access_token') ?? undefined) : undefined;
}

/**
 * What a request may do. With no read token configured anyone may read; operating needs the operator
 * token, which also allows reading. Compared in constant time.
 * @param allowQuery whether `access_token` in the query counts (reads only: an action's token must not sit in a URL).
 */
export function accessOf(
  req: Pick<IncomingMessage, 'headers'>,
  url: URL,
  tokens: AccessTokens,
  allowQuery = true,
): Access {
  const given = presentedToken(req, url, allowQuery);
  if (given !== undefined && tokens.operate !== undefined && same(given, tokens.operate)) return 'operate';
  if (tokens.read === undefined) return 'read';
  if (given !== undefined && same(given, tokens.read)) return 'read';
  return 'none';
}

// hashing first makes both sides the same length, so timingSafeEqual never leaks the token's length
function same(given: string, token: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(token));
}
