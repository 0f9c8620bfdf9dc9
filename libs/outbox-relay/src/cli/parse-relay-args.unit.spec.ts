import { describe, expect, it } from 'vitest';
import { CliUsageError, parseRelayArgs } from './parse-relay-args';

const base = [
  '--database-url',
  'postgres://db/app',
  '--brokers',
  'k1:9092,k2:9092',
  '--catalog',
  './catalog.js',
];

function usageError(argv: string[], env: Record<string, string> = {}): CliUsageError {
  try {
    parseRelayArgs(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(CliUsageError);
    return error as CliUsageError;
  }
  throw new Error('expected a CliUsageError');
}

describe('parseRelayArgs', () => {
  it('reads flags, with environment fallbacks', () => {
    expect(
      parseRelayArgs([...base, '--registry-url', 'http://r:8081', '--batch-size', '200'], {}),
    ).toMatchObject({
      brokers: ['k1:9092', 'k2:9092'],
      codec: { kind: 'avro', registryUrl: 'http://r:8081' },
      batchSize: 200,
      migrate: false,
    });
    expect(
      parseRelayArgs(['--catalog', 'c.js', '--json'], {
        DATABASE_URL: 'postgres://x/y',
        KAFKA_BROKERS: 'k:1',
      }),
    ).toMatchObject({ databaseUrl: 'postgres://x/y', brokers: ['k:1'], codec: { kind: 'json' } });
    expect(parseRelayArgs(['--help'], {})).toBe('help');
  });

  it.each([
    [['--bogus'], '--bogus'],
    [[...base, '--json', '--batch-size', 'lots'], '--batch-size'],
    [[...base, '--json', '--metrics-port', '70000'], '--metrics-port'],
    [[...base], '--registry-url'],
    [[...base, '--json', '--registry-url', 'http://r'], '--json'],
    [['--brokers', 'k:1', '--catalog', 'c.js', '--json'], '--database-url'],
    [['--database-url', 'postgres://x/y', '--brokers', 'nohost', '--catalog', 'c', '--json'], '--brokers'],
    [[...base, '--json', '--log-level', 'loud'], '--log-level'],
  ])('%j is refused naming %s', (argv, flag) => {
    const error = usageError(argv);
    expect(error.flag).toBe(flag);
    expect(error.message.startsWith(flag)).toBe(true);
  });
});
