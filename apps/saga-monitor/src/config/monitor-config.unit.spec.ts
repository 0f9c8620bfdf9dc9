import { ConfigError } from '@sagaflow/outbox-relay';
import { describe, expect, it } from 'vitest';
import { parseMonitorConfig } from './monitor-config';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/monitor',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7/',
};

describe('parseMonitorConfig', () => {
  it('applies defaults and freezes the result', () => {
    const c = parseMonitorConfig(base, '/ui');
    expect(c).toMatchObject({
      port: 8080,
      groupId: 'sagaflow-monitor',
      stuckAfterMs: 300_000,
      flowStallMs: 30_000,
      token: undefined,
      operatorToken: undefined,
      host: '127.0.0.1',
      auditTopic: 'sagaflow.audit',
      uiDir: '/ui',
      schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ DATABASE_URL: undefined }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    [{ SCHEMA_REGISTRY_URL: 'registry' }, 'SCHEMA_REGISTRY_URL'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MONITOR_STUCK_AFTER_MS: '10' }, 'MONITOR_STUCK_AFTER_MS'],
    [{ MONITOR_FLOW_STALL_MS: '999' }, 'MONITOR_FLOW_STALL_MS'],
    [{ MONITOR_TOKEN: 'short' }, 'MONITOR_TOKEN'],
    [{ MONITOR_OPERATOR_TOKEN: 'short' }, 'MONITOR_OPERATOR_TOKEN'],
    [{ MONITOR_HOST: 'two words' }, 'MONITOR_HOST'],
    [{ MONITOR_TOPIC_PATTERN: '(' }, 'MONITOR_TOPIC_PATTERN'],
    [{ MONITOR_TOPIC_PATTERN: '^staging\\.' }, 'MONITOR_LIFECYCLE_TOPIC'],
  ])('refuses %j naming %s', (patch, variable) => {
    const attempt = () => parseMonitorConfig({ ...base, ...patch }, '/ui');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(variable);
  });

  it('never prints the token it refuses', () => {
    expect(() => parseMonitorConfig({ ...base, MONITOR_TOKEN: 'secret' }, '/ui')).not.toThrow(/secret/);
  });

  it('keeps operating off unless an operator token is configured', () => {
    expect(
      parseMonitorConfig({ ...base, MONITOR_TOKEN: 'r'.repeat(16) }, '/ui').operatorToken,
    ).toBeUndefined();
    const c = parseMonitorConfig({ ...base, MONITOR_OPERATOR_TOKEN: 'o'.repeat(20) }, '/ui');
    expect(c.operatorToken).toBe('o'.repeat(20));
  });

  it('refuses an operator token equal to the read token, without printing it', () => {
    const same = 'the-same-token-twice';
    const attempt = () =>
      parseMonitorConfig({ ...base, MONITOR_TOKEN: same, MONITOR_OPERATOR_TOKEN: same }, '/ui');
    expect(attempt).toThrow(/MONITOR_OPERATOR_TOKEN must differ/);
    expect(attempt).not.toThrow(new RegExp(same));
  });

  it("names the operator and audit topics with the lifecycle topic's prefix", () => {
    const c = parseMonitorConfig(
      {
        ...base,
        MONITOR_TOPIC_PATTERN: '^staging\\.',
        MONITOR_LIFECYCLE_TOPIC: 'staging.sagaflow.lifecycle',
        MONITOR_DEFINITIONS_TOPIC: 'staging.sagaflow.definitions',
        MONITOR_OPERATOR_TOKEN: 'o'.repeat(20),
      },
      '/ui',
    );
    expect(c.frameworkPrefix).toBe('staging.');
    expect(c.auditTopic).toBe('staging.sagaflow.audit');
  });

  it('redacts the password of a connection string it refuses', () => {
    const attempt = () =>
      parseMonitorConfig({ ...base, DATABASE_URL: 'mysql://app:hunter2-secret@db/monitor' }, '/ui');
    expect(attempt).toThrow(/DATABASE_URL/);
    expect(attempt).not.toThrow(/hunter2-secret/);
  });
});
