import { ensureStack } from './ensure-stack';
import { loadStackConfig } from './stack-config';
import { StackError } from './stack-error';
import { stackStatus } from './stack-status';
import { stopStack } from './stop-stack';

const usage = `Usage: npm run stack:<up|down|status>

  up      make Kafka (KRaft), the schema registry and PostgreSQL reachable; prints where they are
  down    stop what 'up' started as local processes (data and fetched jars are kept in .stack/)
  status  probe each part and say who provides it

Environment (each overrides discovery for its part):
  KAFKA_BROKERS         host:port[,host:port]    use these brokers, start none
  SCHEMA_REGISTRY_URL   http://…/apis/ccompat/v7  use this Confluent-compatible registry
  DATABASE_URL          postgres://…              default postgres://postgres@127.0.0.1:5432/postgres
  SAGAFLOW_STACK_DIR    cache, data, logs         default <repo>/.stack
  SAGAFLOW_STACK_DOCKER auto|off                  use Testcontainers when a Docker engine answers (auto)
  SAGAFLOW_STACK_BROKERS 1|3                      3: a KRaft cluster of three local brokers on 19092,19094,19096
`;

async function main(command: string | undefined): Promise<number> {
  const config = loadStackConfig();
  switch (command) {
    case 'up': {
      const started = Date.now();
      const e = await ensureStack(config, (line) => console.log(line));
      console.log(`stack is up (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      console.log(`  KAFKA_BROKERS=${e.kafkaBrokers.join(',')}        (${e.sources.kafka})`);
      console.log(`  SCHEMA_REGISTRY_URL=${e.schemaRegistryUrl}  (${e.sources.schemaRegistry})`);
      console.log(`  DATABASE_URL=${e.databaseUrl}  (${e.sources.postgres})`);
      console.log(`  logs: ${config.stackDir}/logs`);
      return 0;
    }
    case 'down': {
      const stopped = await stopStack(config);
      console.log(`kafka: ${stopped.kafka ? 'stopped' : 'was not started by tools/stack'}`);
      console.log(`schema-registry: ${stopped.registry ? 'stopped' : 'was not started by tools/stack'}`);
      return 0;
    }
    case 'status': {
      const parts = await stackStatus(config);
      for (const p of parts) {
        console.log(`${p.part.padEnd(16)} ${p.answers ? 'UP  ' : 'DOWN'} ${p.address}  [${p.managedBy}]`);
        if (!p.answers)
          console.log(`${''.padEnd(21)}${p.error ?? ''}${p.log ? `\n${''.padEnd(21)}log: ${p.log}` : ''}`);
      }
      return parts.every((p) => p.answers) ? 0 : 1;
    }
    case '--help':
    case '-h':
    case 'help':
      console.log(usage);
      return 0;
    default:
      console.error(`unknown command ${command ?? '(none)'}\n\n${usage}`);
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof StackError ? error.message : error);
    process.exit(1);
  },
);
