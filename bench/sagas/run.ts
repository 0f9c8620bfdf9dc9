/**
 * Saga benchmark (not a test): the order saga through the three services on this machine — completed
 * sagas/s at saturation and start→terminal latency at 50 sagas/s offered, CPU per component — beside the
 * same saga on DBOS Transact in the same run. Prints tables and one JSON line per figure.
 * Run: `npm run bench:sagas`. Knobs: BENCH_SATURATION_SAGAS, BENCH_CONCURRENCY, BENCH_LATENCY_SECONDS.
 */
import { ensureStack } from '@sagaflow/stack';
import { countOf, hopStages, quantileMs, type HopBuckets } from './hop-histogram-diff';
import { cpuTable, figureTable, jsonLines, postgresTable, restTable, table, type Figure } from './report';
import { runDbosPeer } from './dbos-peer';
import { runSagaflowBench } from './sagaflow-bench';
import { CpuMeter, pidsByName } from './cpu-meter';

const saturationSagas = Number(process.env.BENCH_SATURATION_SAGAS ?? 3000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 128);
const latencySeconds = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
const idleSagas = Number(process.env.BENCH_IDLE_SAGAS ?? 200);
const warmupSagas = 200;
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
    warmupSagas,
    idleSagas,
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
    warmupSagas,
    idleSagas,
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
    {
      metric: 'latency_p50_ms_idle',
      value: ours.latencyP50MsIdle,
      unit: 'ms',
      ceiling: peer.latencyP50MsIdle,
    },
    {
      metric: 'latency_p99_ms_idle',
      value: ours.latencyP99MsIdle,
      unit: 'ms',
      ceiling: peer.latencyP99MsIdle,
    },
    { metric: 'peer_dbos_sagas_per_sec', value: peer.sagasPerSec, unit: 'sagas/s', ceiling: null },
    { metric: 'peer_dbos_latency_p50_ms_idle', value: peer.latencyP50MsIdle, unit: 'ms', ceiling: null },
    { metric: 'peer_dbos_latency_p99_ms_idle', value: peer.latencyP99MsIdle, unit: 'ms', ceiling: null },
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

  figures.push(...hopFigures('idle', ours.hopsIdle), ...hopFigures('at_50', ours.hopsAt50));
  for (const [phase, seconds] of [
    ['saturation', ours.saturationCpu],
    ['at_50', ours.latencyCpu],
  ] as const) {
    const total = Object.values(seconds.cpuSeconds).reduce((a, b) => a + b, 0);
    const sagas = phase === 'saturation' ? ours.sagas.saturation : ours.sagas.latency;
    figures.push({
      metric: `cpu_ms_per_saga_${phase}_total`,
      value: (total * 1000) / sagas,
      unit: 'ms/saga',
      ceiling: null,
    });
  }
  const rest = ours.restCpu;
  for (const [component, seconds] of Object.entries(rest.cpuSeconds))
    figures.push({
      metric: `cpu_cores_at_rest_${component.replace(/[^a-z0-9]+/gi, '_')}`,
      value: seconds / rest.wallSeconds,
      unit: 'cores',
      ceiling: null,
    });
  const peerTotal = Object.values(peerCpu.cpuSeconds).reduce((a, b) => a + b, 0);
  figures.push({
    metric: 'peer_dbos_cpu_ms_per_saga_total',
    value: (peerTotal * 1000) / (warmupSagas + idleSagas + saturationSagas + rate * latencySeconds),
    unit: 'ms/saga',
    ceiling: null,
  });

  console.log(figureTable(figures.slice(0, 5)));
  console.log();
  console.log(hopTable(ours.hopsIdle, ours.hopsAt50));
  console.log();
  console.log(cpuTable('CPU at saturation', ours.saturationCpu, ours.sagas.saturation));
  console.log();
  console.log(cpuTable(`CPU at ${rate} sagas/s`, ours.latencyCpu, ours.sagas.latency));
  console.log();
  console.log(restTable(ours.restCpu));
  console.log();
  console.log(postgresTable(ours.postgresSaturation, ours.postgresAt50, rate));
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

  // a run whose sagas did not end as the mix says measured something else: it fails
  const wrong = [
    ...ours.wrongOutcomes.map((w) => ({ system: 'sagaflow', ...w })),
    ...peer.wrongOutcomes.map((w) => ({ system: 'dbos', ...w })),
  ];
  if (wrong.length > 0) {
    console.error(
      `${wrong.length} sagas did not end as the outcome mix says, e.g. ${JSON.stringify(wrong.slice(0, 5))}`,
    );
    process.exit(1);
  }
}

/** p50/p99 of each hop, for the idle phase and at the offered rate. */
function hopTable(idle: HopBuckets, at50: HopBuckets): string {
  const f = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(1));
  return table(
    [
      'hop (sagaflow_hop_seconds)',
      'messages idle',
      'p50 idle ms',
      'p99 idle ms',
      `p50 at ${rate}/s ms`,
      `p99 at ${rate}/s ms`,
    ],
    hopStages.map((stage) => [
      stage,
      String(countOf(idle.get(stage))),
      f(quantileMs(idle.get(stage), 0.5)),
      f(quantileMs(idle.get(stage), 0.99)),
      f(quantileMs(at50.get(stage), 0.5)),
      f(quantileMs(at50.get(stage), 0.99)),
    ]),
  );
}

function hopFigures(phase: 'idle' | 'at_50', hops: HopBuckets): Figure[] {
  return hopStages.flatMap((stage) =>
    ([50, 99] as const).map((p) => ({
      metric: `hop_${stage}_p${p}_ms_${phase}`,
      value: quantileMs(hops.get(stage), p / 100),
      unit: 'ms',
      ceiling: null,
    })),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
