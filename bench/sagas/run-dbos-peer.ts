// Runs the DBOS peer alone: `npx tsx bench/sagas/run-dbos-peer.ts` (npm run bench:sagas runs it beside Sagaflow).
import { ensureStack } from '@sagaflow/stack';
import { runDbosPeer } from './dbos-peer';

async function main(): Promise<void> {
  const stack = await ensureStack();
  const r = await runDbosPeer({
    adminDatabaseUrl: stack.databaseUrl,
    saturationSagas: Number(process.env.BENCH_SATURATION_SAGAS ?? 2000),
    saturationConcurrency: 64,
    latencyRatePerSec: 50,
    latencySeconds: Number(process.env.BENCH_LATENCY_SECONDS ?? 10),
    warmupSagas: 200,
    idleSagas: Number(process.env.BENCH_IDLE_SAGAS ?? 200),
  });
  console.log(JSON.stringify(r));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
