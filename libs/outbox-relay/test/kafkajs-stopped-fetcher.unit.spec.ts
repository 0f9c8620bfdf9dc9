import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyKafkaJsStoppedFetcherFix } from '../src/kafka/kafkajs-stopped-fetcher-fix';

// A consumer stopped while its fetch manager rebalances its fetchers (a broker left the metadata) kept a
// fetcher looping on the stopped runner, which starved the process's event loop: after the group
// coordinator's broker was SIGKILLed, a service rejoining its group froze for good (docs/decisions/0079).
// On an unfixed KafkaJS the scenario never yields, so each case runs in a process of its own; the scenario
// detects the spin itself (exit 3), the deadline here only ends a process that neither stops nor spins.
const repoRoot = resolve(__dirname, '../../..');
const scenario = resolve(__dirname, 'fixtures/stopped-fetcher-scenario.ts');

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', scenario, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, output }));
  });
}

describe('a KafkaJS consumer stopped while its fetchers rebalance', () => {
  it('spins on bare KafkaJS 2.2.4 (so the case below can see it)', async () => {
    const { code, output } = await run([]);
    expect({ code, output: output.trim() }).toEqual({ code: 3, output: 'spinning' });
  });

  it('stops in a process that loaded @sagaflow/outbox-relay', async () => {
    const { code, output } = await run(['--with-sagaflow']);
    expect({ code, output: output.trim() }).toEqual({ code: 0, output: 'stopped' });
  });

  it('is in place on the KafkaJS this package uses', () => {
    expect(applyKafkaJsStoppedFetcherFix()).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Runner = require('kafkajs/src/consumer/runner');
    expect(Runner.prototype[Symbol.for('sagaflow.kafkajs-stopped-fetcher-fix')]).toBe(true);
  });
});
