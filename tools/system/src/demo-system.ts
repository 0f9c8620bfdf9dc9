import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  createDatabase,
  databaseUrlFor,
  dropDatabase,
  loadStackConfig,
  repoRoot,
  type StackEndpoints,
} from '@sagaflow/stack';
import { mainOf } from './ensure-built';
import { assertPortFree } from './free-port';
import { systemLockPath, takeSystemLock } from './system-lock';
import { emptySystemTopics } from './system-topics';
import { ServiceProcess } from './service-process';
import { SystemClient } from './system-client';
import { SystemLedger } from './system-ledger';
import {
  defaultDatabaseName,
  defaultPorts,
  sagaServices,
  type SagaService,
  type SystemService,
} from './system-services';

/** How to run the demo system. Everything has a default; tests override ports, databases and timeouts. */
export interface DemoSystemOptions {
  /** Kafka, registry and the PostgreSQL server (its admin URL): what `ensureStack()` returns. */
  stack: Pick<StackEndpoints, 'kafkaBrokers' | 'schemaRegistryUrl' | 'databaseUrl'>;
  /** Database name per process (default `order_service`, … as in docker-compose). */
  databases?: Partial<Record<SystemService, string>>;
  /**
   * HTTP port per process (default 3001–3003 and 8080). Further instances of a service take this port
   * plus 10, 20, … (see {@link DemoSystemOptions.instances}).
   */
  ports?: Partial<Record<SystemService, number>>;
  /**
   * Instances per saga service (default 1 each): they share the service's database and consumer group,
   * and elect one relay leader between them, as replicas of one deployment do.
   */
  instances?: Partial<Record<SagaService, number>>;
  /** Extra environment per process, e.g. `{ 'order-service': { ORDER_STEP_TIMEOUT: '2s' } }`. */
  env?: Partial<Record<SystemService, Record<string, string>>>;
  /**
   * Base URL of an OTLP/HTTP collector every process exports its spans to (default: this process's
   * `OTEL_EXPORTER_OTLP_ENDPOINT`, so `OTEL_EXPORTER_OTLP_ENDPOINT=… npm run demo` traces the demo).
   */
  tracingEndpoint?: string;
  /** Run the saga monitor: `auto` = when `apps/saga-monitor/dist/main.js` exists (default), `off` = never. */
  monitor?: 'auto' | 'off';
  /** Directory of the processes' log files (default `.stack/logs/system`). */
  logDir?: string;
  /** Who runs the system, shown to a second run waiting for the machine-wide lock (default `demo system`). */
  purpose?: string;
  /** Progress lines (waiting for the lock), default none. */
  log?: (line: string) => void;
}

/**
 * The demo system as processes on one machine: the three services (and the monitor), each with its own
 * database, started in order and awaited on `/health`. Databases are dropped and created afresh, so a
 * run starts from empty tables. Stop it with {@link DemoSystem.stop}.
 *
 * @example
 * const system = await DemoSystem.start({ stack: await ensureStack() });
 * await system.process('payment-service').kill();
 * await system.process('payment-service').startHealthy();
 * await system.stop();
 */
export class DemoSystem {
  private constructor(
    private readonly processes: Map<SystemService, ServiceProcess[]>,
    private readonly describe: (service: SystemService, index: number) => Promise<ServiceProcess>,
    private readonly databaseUrls: Map<SystemService, string>,
    private readonly adminUrl: string,
    private readonly releaseLock: () => void,
    /** Where the processes write their logs. */
    readonly logDir: string,
  ) {}

  /**
   * Empties the broker of the system's previous run (its topics and consumer groups, `system-topics.ts`),
   * creates fresh databases, then starts inventory, payment, order (and the monitor) and waits until each
   * answers 200 on `/health`. A run's databases, groups and topics belong together.
   * @throws Error naming the process and its log when one does not become healthy; what was started is stopped.
   */
  static async start(options: DemoSystemOptions): Promise<DemoSystem> {
    const stackDir = loadStackConfig().stackDir;
    const release = await takeSystemLock(
      systemLockPath(options.stack.kafkaBrokers),
      `${options.purpose ?? 'demo system'}, pid ${process.pid}`,
      { log: options.log },
    );
    const withMonitor = options.monitor !== 'off' && existsSync(mainOf('saga-monitor'));
    const names: SystemService[] = [...sagaServices, ...(withMonitor ? (['saga-monitor'] as const) : [])];
    const logDir = options.logDir ?? join(stackDir, 'logs', 'system');
    let system: DemoSystem;
    try {
      const emptied = await emptySystemTopics(options.stack.kafkaBrokers);
      if (emptied.length > 0) options.log?.(`deleted the previous run's topics: ${emptied.join(', ')}`);
      const { processes, urls } = await prepare(names, options, logDir);
      const describe = (service: SystemService, index: number) =>
        describeInstance(service, index, options, urls, logDir);
      system = new DemoSystem(processes, describe, urls, options.stack.databaseUrl, release, logDir);
    } catch (e) {
      release();
      throw e;
    }
    try {
      // one at a time: three Nest start-ups at once on two cores only make each slower
      for (const p of system.all()) await p.startHealthy();
    } catch (e) {
      await system.stop();
      throw e;
    }
    return system;
  }

  /**
   * The (first) process of `service`: the one {@link url} points at.
   * @throws Error when it is not part of this system (the monitor when off).
   */
  process(service: SystemService): ServiceProcess {
    const p = this.processes.get(service)?.[0];
    if (!p) throw new Error(`${service} is not running in this system`);
    return p;
  }

  /** Every instance of `service`, in the order they were added (the first is {@link process}). */
  instances(service: SystemService): ServiceProcess[] {
    return [...(this.processes.get(service) ?? [])];
  }

  /**
   * Starts one more instance of `service` on the same database (a replica joining: the consumer group
   * rebalances, the relay leadership stays where it is) and waits until it is healthy.
   * @throws Error when its port is taken or it does not become healthy.
   */
  async addInstance(service: SagaService): Promise<ServiceProcess> {
    const list = this.processes.get(service);
    if (!list) throw new Error(`${service} is not running in this system`);
    const p = await this.describe(service, list.length);
    list.push(p);
    await p.startHealthy();
    return p;
  }

  /** Whether `service` is part of this system (the monitor may not be). */
  has(service: SystemService): boolean {
    return this.processes.has(service);
  }

  /** Base URL of `service`'s HTTP API. */
  url(service: SystemService): string {
    return this.process(service).url;
  }

  /** The database URL `service` runs on (for reading its tables from outside, as tests do). */
  databaseUrl(service: SagaService | 'saga-monitor'): string {
    const url = this.databaseUrls.get(service);
    if (!url) throw new Error(`${service} has no database in this system`);
    return url;
  }

  /** A client of the three services' HTTP APIs (their first instances). */
  client(): SystemClient {
    return new SystemClient({
      order: this.url('order-service'),
      inventory: this.url('inventory-service'),
      payment: this.url('payment-service'),
    });
  }

  /** A reader of the three services' databases, for checking the system's invariants; close it after. */
  ledger(): SystemLedger {
    return new SystemLedger({
      order: this.databaseUrl('order-service'),
      inventory: this.databaseUrl('inventory-service'),
      payment: this.databaseUrl('payment-service'),
    });
  }

  /** Every process of this system (every instance), in start order. */
  all(): ServiceProcess[] {
    return [...this.processes.values()].flat();
  }

  /** SIGTERM to every process, in reverse start order, waiting for each to exit; then frees the machine for another system. */
  async stop(): Promise<void> {
    try {
      for (const p of this.all().reverse()) await p.stop();
    } finally {
      this.releaseLock();
    }
  }

  /** {@link stop}, then drops the system's databases (tests clean up after themselves). */
  async destroy(): Promise<void> {
    await this.stop();
    for (const url of this.databaseUrls.values()) {
      const name = new URL(url).pathname.slice(1);
      await dropDatabase(this.adminUrl, name).catch(() => undefined);
    }
  }
}

/** Checks the ports, creates the databases and describes each process (nothing is started yet). */
async function prepare(
  names: readonly SystemService[],
  options: DemoSystemOptions,
  logDir: string,
): Promise<{ processes: Map<SystemService, ServiceProcess[]>; urls: Map<SystemService, string> }> {
  const processes = new Map<SystemService, ServiceProcess[]>();
  const urls = new Map<SystemService, string>();
  for (const name of names) {
    const database = options.databases?.[name] ?? defaultDatabaseName(name);
    await dropDatabase(options.stack.databaseUrl, database);
    urls.set(name, await createDatabase(options.stack.databaseUrl, database));
    const count = name === 'saga-monitor' ? 1 : (options.instances?.[name] ?? 1);
    const list: ServiceProcess[] = [];
    for (let i = 0; i < count; i++) list.push(await describeInstance(name, i, options, urls, logDir));
    processes.set(name, list);
  }
  return { processes, urls };
}

/** Instance `index` (0 = the first) of `name`: its port (checked free), log file and environment. */
async function describeInstance(
  name: SystemService,
  index: number,
  options: DemoSystemOptions,
  urls: Map<SystemService, string>,
  logDir: string,
): Promise<ServiceProcess> {
  const port = (options.ports?.[name] ?? defaultPorts[name]) + 10 * index;
  const label = index === 0 ? name : `${name}-${index + 1}`;
  await assertPortFree(port, label);
  const database = new URL(urls.get(name) ?? '').pathname.slice(1);
  const tracing = options.tracingEndpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return new ServiceProcess({
    name: label,
    main: mainOf(name),
    cwd: repoRoot,
    port,
    logFile: join(logDir, `${label}.log`),
    env: {
      PORT: String(port),
      DATABASE_URL: databaseUrlFor(options.stack.databaseUrl, database),
      KAFKA_BROKERS: options.stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: options.stack.schemaRegistryUrl,
      ...(name === 'saga-monitor' ? {} : { SAGAFLOW_CODEC: 'avro' }),
      ...(tracing ? { OTEL_EXPORTER_OTLP_ENDPOINT: tracing } : {}),
      ...options.env?.[name],
    },
  });
}
