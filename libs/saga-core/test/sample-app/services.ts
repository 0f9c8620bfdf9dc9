import { Pool } from 'pg';
import { SagaflowRuntime, type SagaflowLogger } from '../../src/index';
import { createContracts, type Contracts } from './contracts';
import { createOrderSaga, type OrderSagaOptions } from './order-saga';
import { createParticipant, participantSchemaSql } from './participant';

/** Where the sample's two services run. */
export interface SampleEnv {
  /** Topic prefix (unique per suite). */
  prefix: string;
  /** Unique per suite; the services are `<id>-orders` and `<id>-participant` (their consumer groups too). */
  id: string;
  brokers: string[];
  registryUrl: string;
  orderDbUrl: string;
  participantDbUrl: string;
}

/** A logger keeping lines in memory (printed by a failing test), plus errors on stderr when asked. */
export function memoryLogger(
  lines: Array<Record<string, unknown>> = [],
): SagaflowLogger & { lines: typeof lines } {
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push({ level, msg, ...fields });
    if (lines.length > 5000) lines.splice(0, 1000);
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** The order service: hosts the SampleOrder saga. */
export function orderService(
  env: SampleEnv,
  options: OrderSagaOptions & { logger?: SagaflowLogger; contracts?: Contracts; concurrency?: number } = {},
): { runtime: SagaflowRuntime; saga: object } {
  const c = options.contracts ?? createContracts(env.prefix);
  const runtime = new SagaflowRuntime({
    service: `${env.id}-orders`,
    databaseUrl: env.orderDbUrl,
    kafka: { brokers: env.brokers },
    codec: { kind: 'avro', registryUrl: env.registryUrl },
    catalog: c.all,
    consumer: {
      concurrency: options.concurrency ?? 16,
      retry: { attempts: 3, initialBackoff: '50ms', maxBackoff: '200ms' },
      sessionTimeout: '10s',
      heartbeatInterval: '1s',
    },
    deadlines: { pollInterval: '200ms' },
    relay: { retention: '1h' },
    logger: options.logger ?? memoryLogger(),
  });
  const Saga = createOrderSaga(c, options);
  return { runtime, saga: new Saga() };
}

/** Starts the order service and returns its runtime. */
export async function startOrderService(
  env: SampleEnv,
  options: Parameters<typeof orderService>[1] = {},
): Promise<SagaflowRuntime> {
  const { runtime, saga } = orderService(env, options);
  await runtime.start({ sagas: [saga] });
  return runtime;
}

/** Starts the participant service (its table included) and returns its runtime. */
export async function startParticipantService(
  env: SampleEnv,
  options: { logger?: SagaflowLogger; contracts?: Contracts } = {},
): Promise<SagaflowRuntime> {
  const c = options.contracts ?? createContracts(env.prefix);
  const pool = new Pool({ connectionString: env.participantDbUrl, max: 1 });
  await pool.query(participantSchemaSql);
  await pool.end();
  const runtime = new SagaflowRuntime({
    service: `${env.id}-participant`,
    databaseUrl: env.participantDbUrl,
    kafka: { brokers: env.brokers },
    codec: { kind: 'avro', registryUrl: env.registryUrl },
    catalog: c.all,
    consumer: {
      retry: { attempts: 3, initialBackoff: '50ms', maxBackoff: '200ms' },
      sessionTimeout: '10s',
      heartbeatInterval: '1s',
    },
    relay: { retention: '1h' },
    logger: options.logger ?? memoryLogger(),
  });
  const Participant = createParticipant(c);
  await runtime.start({ participants: [new Participant()] });
  return runtime;
}
