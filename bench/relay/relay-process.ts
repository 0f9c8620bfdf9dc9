import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/** The real `sagaflow-relay` CLI as a separate process, as it runs in production. */
export function startRelay(options: {
  databaseUrl: string;
  brokers: string[];
  registryUrl: string;
  topic: string;
  batchSize: number;
  metricsPort: number;
}): ChildProcess {
  return spawn(
    process.execPath,
    [
      // BENCH_CPU_PROF_DIR: the relay writes a V8 CPU profile there when it stops (where a row's CPU goes)
      ...(process.env.BENCH_CPU_PROF_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
        : []),
      '--import',
      'tsx',
      resolve(root, 'libs/outbox-relay/src/cli/sagaflow-relay.ts'),
      '--database-url',
      options.databaseUrl,
      '--brokers',
      options.brokers.join(','),
      '--registry-url',
      options.registryUrl,
      '--catalog',
      resolve(__dirname, 'bench-catalog.ts'),
      '--batch-size',
      String(options.batchSize),
      '--metrics-port',
      String(options.metricsPort),
      '--log-level',
      'warn',
    ],
    {
      cwd: root,
      env: { ...process.env, BENCH_TOPIC: options.topic },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
}

/** The relay's `sagaflow_outbox_published_total` (summed over topics), or -1 while it does not answer. */
export async function publishedTotal(port: number): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    let sum = 0;
    for (const m of text.matchAll(/^sagaflow_outbox_published_total\{[^}]*\} (\d+)/gm)) sum += Number(m[1]);
    return sum;
  } catch {
    return -1;
  }
}
