// The sample order service as its own process, for crash tests: started with
// `node --import tsx test/sample-app/main.ts`, configured by SAMPLE_ENV (JSON of SampleEnv), killed with SIGKILL.
import 'reflect-metadata';
import { sagaflowJsonLogger } from '../../src/index';
import { startOrderService, type SampleEnv } from './services';

async function main(): Promise<void> {
  const env = JSON.parse(process.env.SAMPLE_ENV ?? '') as SampleEnv;
  const runtime = await startOrderService(env, {
    logger: sagaflowJsonLogger({ level: 'warn', service: `${env.id}-orders` }),
  });
  process.stdout.write(JSON.stringify({ msg: 'sample order service ready', pid: process.pid }) + '\n');
  const stop = () => {
    runtime.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`sample order service failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
