import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonLogger } from './monitor-logger';

describe('jsonLogger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('redacts connection strings and access tokens in every line, errors included', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    const logger = jsonLogger();
    logger.log('error', 'request failed', {
      url: '/api/stream?access_token=a-long-enough-secret-value',
      error: 'Error: connect ECONNREFUSED postgres://monitor:pg-password-1@db:5432/monitor',
    });
    logger.log('info', 'kafka', { error: 'SASL failed for http://u:registry-pass@registry:8081' });
    const out = lines.join('');
    expect(out).not.toContain('a-long-enough-secret-value');
    expect(out).not.toContain('pg-password-1');
    expect(out).not.toContain('registry-pass');
    expect(out).toContain('postgres://monitor:***@db:5432/monitor');
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
  });
});
