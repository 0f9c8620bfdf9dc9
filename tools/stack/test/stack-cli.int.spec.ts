import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../src/index';

const cli = resolve(repoRoot, 'tools/stack/src/cli.ts');

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, output }));
  });
}

describe('npm run stack:* (the CLI, as a user runs it)', () => {
  it('up finds the running stack again and says where each part is', async () => {
    const { kafkaBrokers } = inject('stack');
    const { code, output } = await runCli(['up'], {});
    expect(code, output).toBe(0);
    expect(output).toContain(`KAFKA_BROKERS=${kafkaBrokers.join(',')}`);
    expect(output).toContain('SCHEMA_REGISTRY_URL=');
  });

  it('status reports every part UP', async () => {
    const { code, output } = await runCli(['status'], {});
    expect(code, output).toBe(0);
    expect(output).toMatch(/kafka\s+UP/);
    expect(output).toMatch(/schema-registry\s+UP/);
    expect(output).toMatch(/postgres\s+UP/);
  });

  // The vitest timeout (30 s) is the bound the foundation issue sets for this failure.
  it('refuses a dead KAFKA_BROKERS and names that address', async () => {
    const { code, output } = await runCli(['up'], { KAFKA_BROKERS: '127.0.0.1:1' });
    expect(code).toBe(1);
    expect(output).toContain('127.0.0.1:1');
    expect(output).toContain('KAFKA_BROKERS');
  }, 30_000);

  it('refuses a malformed setting and names it', async () => {
    const { code, output } = await runCli(['up'], { SCHEMA_REGISTRY_URL: 'not a url' });
    expect(code).toBe(1);
    expect(output).toContain('SCHEMA_REGISTRY_URL');
  });
});
