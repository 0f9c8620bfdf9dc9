import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from '@sagaflow/stack';

const cli = resolve(__dirname, '../../src/cli/sagaflow-relay.ts');
const catalog = resolve(__dirname, '../fixtures/spec-catalog.ts');

/** A `sagaflow-relay` CLI running as a child process, with its JSON log lines collected. */
export interface RelayProcess {
  child: ChildProcess;
  logs: { msg: string; [field: string]: unknown }[];
  stderr: string[];
  /** Resolves when a log line with this message appears. */
  waitForLog(msg: string, timeoutMs?: number): Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves with the signal that ended the process (null for a normal exit). */
  exited: Promise<NodeJS.Signals | null>;
}

/** Starts the real CLI (through tsx) against a spec database and topic. */
export function startRelayProcess(options: {
  databaseUrl: string;
  brokers: string[];
  topic: string;
  batchSize?: number;
  /** Extra environment, e.g. `SAGAFLOW_FAULT_POINT` to kill it at a named point. */
  env?: Record<string, string>;
}): RelayProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      cli,
      '--database-url',
      options.databaseUrl,
      '--brokers',
      options.brokers.join(','),
      '--json',
      '--catalog',
      catalog,
      '--batch-size',
      String(options.batchSize ?? 100),
      '--log-level',
      'info',
    ],
    { env: { ...process.env, ...options.env, SPEC_TOPIC: options.topic }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: RelayProcess['logs'] = [];
  const stderr: string[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as RelayProcess['logs'][number]);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((ok) =>
    child.once('exit', (_code, signal) => ok(signal)),
  );
  return {
    child,
    logs,
    stderr,
    exited,
    async waitForLog(msg, timeoutMs = 30_000) {
      await waitFor(() => logs.some((l) => l.msg === msg), {
        timeoutMs,
        description: `relay process (pid ${child.pid}) to log "${msg}"; stderr: ${stderr.join('').slice(-500)}`,
      });
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
