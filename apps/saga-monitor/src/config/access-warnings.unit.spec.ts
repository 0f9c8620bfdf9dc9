import { describe, expect, it } from 'vitest';
import { accessWarnings, isLoopback, loopbackOrHost } from './access-warnings';

describe('accessWarnings', () => {
  it('says the API is open when it listens beyond loopback without a token', () => {
    const [w] = accessWarnings({ host: '0.0.0.0', token: undefined, operatorToken: undefined });
    expect(w).toMatch(/the API is open: it listens on 0\.0\.0\.0/);
  });

  it('says less when only this machine can reach it, and nothing about openness with a token', () => {
    expect(accessWarnings({ host: '127.0.0.1', token: undefined, operatorToken: undefined })[0]).toMatch(
      /open to this machine/,
    );
    expect(accessWarnings({ host: '0.0.0.0', token: 'x'.repeat(16), operatorToken: undefined })).toEqual([]);
  });

  it('says when operator actions are on', () => {
    expect(
      accessWarnings({ host: '127.0.0.1', token: 'x'.repeat(16), operatorToken: 'y'.repeat(16) }),
    ).toEqual([expect.stringMatching(/operator actions are on/)]);
  });

  it('knows loopback addresses', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(loopbackOrHost('0.0.0.0')).toBe('127.0.0.1');
    expect(loopbackOrHost('10.1.2.3')).toBe('10.1.2.3');
  });
});
