/**
 * Saga benchmark (not a test): the order saga through the three services on this machine — completed
 * sagas/s at saturation and start→terminal latency at 50 sagas/s offered, CPU per component — beside the
 * same saga on DBOS Transact in the same run. Prints tables and one JSON line per figure.
 * Run: `npm run bench:sagas`. Knobs: BENCH_SATURATION_SAGAS, BENCH_CONCURRENCY, BENCH_LATENCY_SECONDS.
 */
import { ensureStack } from '@sagaflow/stack';
import { cpuTable, figureTable, jsonLines, type Figure } from './report';
import { runDbosPeer } from './dbos-peer';
import { runSagaflowBench } from './sagaflow-bench';
import { CpuMeter, pidsByName } from './cpu-meter';

const saturationSagas = Number(process.env.BENCH_SATURATION_SAGAS ?? 3000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 128);
const latencySeconds = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
const rate = 50;

async function main(): Promise<void> {
  const log = (line: string) => console.error(line);
  const stack = await ensureStack(undefined, log);

  const ours = await runSagaflowBench({
    stack,
    saturationSagas,
    saturationConcurrency: concurrency,
    latencyRatePerSec: rate,
    latencySeconds,
    warmupSagas: 200,
    log,
  });
  log(`sagaflow outcomes: ${JSON.stringify(ours.outcomes)}`);

  log(
    `dbos peer: ${saturationSagas} sagas with ${concurrency} in flight, then ${rate}/s for ${latencySeconds} s …`,
  );
  const meter = new CpuMeter([
    { name: 'postgres', pids: () => pidsByName('postgres') },
    { name: 'bench client (DBOS)', pids: () => [process.pid] },
  ]);
  meter.start();
  const peer = await runDbosPeer({
    adminDatabaseUrl: stack.databaseUrl,
    saturationSagas,
    saturationConcurrency: concurrency,
    latencyRatePerSec: rate,
    latencySeconds,
  });
  const peerCpu = meter.stop();
  log(`dbos outcomes: ${JSON.stringify(peer.outcomes)}`);

  const figures: Figure[] = [
    { metric: 'sagas_per_sec', value: ours.sagasPerSec, unit: 'sagas/s', ceiling: peer.sagasPerSec },
    {
      metric: 'latency_p50_ms_at_50',
      value: ours.latencyP50MsAt50,
      unit: 'ms',
      ceiling: peer.latencyP50MsAt50,
    },
    {
      metric: 'latency_p99_ms_at_50',
      value: ours.latencyP99MsAt50,
      unit: 'ms',
      ceiling: peer.latencyP99MsAt50,
    },
    { metric: 'peer_dbos_sagas_per_sec', value: peer.sagasPerSec, unit: 'sagas/s', ceiling: null },
    { metric: 'peer_dbos_latency_p50_ms_at_50', value: peer.latencyP50MsAt50, unit: 'ms', ceiling: null },
    { metric: 'peer_dbos_latency_p99_ms_at_50', value: peer.latencyP99MsAt50, unit: 'ms', ceiling: null },
  ];
  const sat = ours.saturationCpu;
  for (const [component, seconds] of Object.entries(sat.cpuSeconds))
    figures.push({
      metric: `cpu_ms_per_saga_at_saturation_${component.replace(/[^a-z0-9]+/gi, '_')}`,
      value: (seconds * 1000) / ours.sagas.saturation,
      unit: 'ms/saga',
      ceiling: null,
    });

  console.log(figureTable(figures.slice(0, 3)));
  console.log();
  console.log(cpuTable('CPU at saturation', ours.saturationCpu, ours.sagas.saturation));
  console.log();
  console.log(cpuTable(`CPU at ${rate} sagas/s`, ours.latencyCpu, ours.sagas.latency));
  console.log();
  console.log(
    cpuTable(
      'CPU during the DBOS peer (saturation + latency)',
      peerCpu,
      saturationSagas + rate * latencySeconds,
    ),
  );
  console.log();
  console.log(jsonLines(figures));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
