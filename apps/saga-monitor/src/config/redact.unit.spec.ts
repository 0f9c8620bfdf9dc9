import { describe, expect, it } from 'vitest';
import { loggableUrl, redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('hides the password of a connection string, keeping user, host and database', () => {
    expect(redactSecrets('connect ECONNREFUSED postgres://app:s3cr%40t@db:5432/orders?sslmode=require')).toBe(
      'connect ECONNREFUSED postgres://app:***@db:5432/orders?sslmode=require',
    );
    expect(redactSecrets('http://u:p@registry:8081/apis')).toBe('http://u:***@registry:8081/apis');
  });

  it('hides key=value secrets and leaves text without secrets alone', () => {
    expect(redactSecrets('host=db password=hunter2 user=app')).toBe('host=db password=*** user=app');
    expect(redactSecrets('postgres://app@db/orders is fine')).toBe('postgres://app@db/orders is fine');
  });
});

describe('loggableUrl', () => {
  it('never lets an access_token value reach a log', () => {
    const logged = loggableUrl('/api/stream?x=1&access_token=a-long-enough-secret-value&y=2');
    expect(logged).not.toContain('a-long-enough-secret-value');
    expect(logged).toBe('/api/stream?x=1&access_token=***&y=2');
  });
});
