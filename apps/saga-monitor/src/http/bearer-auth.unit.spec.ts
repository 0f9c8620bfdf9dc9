import { describe, expect, it } from 'vitest';
import { isAuthorized } from './bearer-auth';

const token = 'a-long-enough-secret';
const url = (q = '') => new URL(`http://x/api/sagas${q}`);

describe('isAuthorized', () => {
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
