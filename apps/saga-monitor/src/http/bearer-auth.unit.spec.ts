import { describe, expect, it } from 'vitest';
import { accessOf } from './bearer-auth';

const token = 'a-long-enough-secret';
const operator = 'the-operator-secret-token';
const url = (q = '') => new URL(`http://x/api/sagas${q}`);

const isAuthorized = (req: { headers: Record<string, string> }, u: URL, read: string | undefined) =>
  accessOf(req, u, { read, operate: undefined }) !== 'none';

describe('reading', () => {
  it('lets everything through when no token is configured', () => {
    expect(isAuthorized({ headers: {} }, url(), undefined)).toBe(true);
  });

  it('accepts the bearer header or the access_token query parameter', () => {
    expect(isAuthorized({ headers: { authorization: `Bearer ${token}` } }, url(), token)).toBe(true);
    expect(isAuthorized({ headers: {} }, url(`?access_token=${token}`), token)).toBe(true);
  });

  it('refuses a missing or wrong token', () => {
    expect(isAuthorized({ headers: {} }, url(), token)).toBe(false);
    expect(isAuthorized({ headers: { authorization: 'Bearer nope' } }, url(), token)).toBe(false);
    expect(isAuthorized({ headers: { authorization: `Basic ${token}` } }, url(), token)).toBe(false);
  });
});

describe('accessOf', () => {
  const both = { read: token, operate: operator };

  it('matches the Bearer scheme case-insensitively', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR'])
      expect(accessOf({ headers: { authorization: `${scheme} ${token}` } }, url(), both)).toBe('read');
  });

  it('tells the read token from the operator token', () => {
    expect(accessOf({ headers: { authorization: `Bearer ${operator}` } }, url(), both)).toBe('operate');
    expect(accessOf({ headers: { authorization: `Bearer ${token}` } }, url(), both)).toBe('read');
    expect(accessOf({ headers: {} }, url(), both)).toBe('none');
  });

  it('never grants operating when no operator token is configured, whatever is presented', () => {
    const readOnly = { read: undefined, operate: undefined };
    expect(accessOf({ headers: { authorization: `Bearer ${operator}` } }, url(), readOnly)).toBe('read');
    expect(accessOf({ headers: {} }, url(), readOnly)).toBe('read');
  });

  it('does not take an operator token from the query when the query is not allowed', () => {
    expect(accessOf({ headers: {} }, url(`?access_token=${operator}`), both, false)).toBe('none');
    expect(accessOf({ headers: {} }, url(`?access_token=${operator}`), both, true)).toBe('operate');
  });
});
