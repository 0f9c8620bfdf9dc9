import { spawn } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { repoRoot } from '@sagaflow/stack';
import { ensureBuilt, mainOf } from '../src/index';
import './support/provided-context';

// Bad configuration is refused before anything connects: the process exits 1 and its last words name
// the variable at fault, so a deploy fails at once and says why (issue 11 item 20).
async function runOrderService(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [mainOf('order-service')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  return { code, output };
}

describe('A service refuses to start on bad configuration', () => {
  const stack = inject('stack');
  const good = {
    PORT: '3999', // never bound: the configuration is refused first
    DATABASE_URL: `${stack.databaseUrl.replace(/\/[^/]*$/, '')}/never_created`,
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
  };

  it('a duration that is not one: exit code 1, naming ORDER_STEP_TIMEOUT and the value', async () => {
    ensureBuilt(['order-service']);
    const { code, output } = await runOrderService({ ...good, ORDER_STEP_TIMEOUT: 'soon' });
    expect(code).toBe(1);
    expect(output).toMatch(/ORDER_STEP_TIMEOUT/);
    expect(output).toMatch(/soon/);
    expect(output).not.toMatch(/PORT|DATABASE_URL|KAFKA_BROKERS/); // only what is wrong is named
  });

  it('the Avro codec without a registry: exit code 1, naming SCHEMA_REGISTRY_URL', async () => {
    const { SCHEMA_REGISTRY_URL: _omitted, ...rest } = good;
    const { code, output } = await runOrderService({ ...rest, SAGAFLOW_CODEC: 'avro' });
    expect(code).toBe(1);
    expect(output).toMatch(/SCHEMA_REGISTRY_URL/);
  });
});
