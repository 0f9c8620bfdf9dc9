import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { watchConnectionErrors } from '@sagaflow/outbox-relay';
import { Pool } from 'pg';
import { JsonLogger, type StructuredLogger } from '../logging/json-logger';
import { runServiceMigrations, type ServiceMigration } from './run-migrations';

/** Injection token of the service's own `pg.Pool` (its domain tables; Sagaflow keeps its own pool). */
export const PG_POOL = Symbol('PG_POOL');

/** What {@link DatabaseModule.forRoot} takes. */
export interface DatabaseOptions {
  url: string;
  /** The service's schema, e.g. `inventory`; its migrations are recorded there. */
  schema: string;
  migrations: readonly ServiceMigration[];
  /** Connections for HTTP reads and seeding (default 5): message handling runs on Sagaflow's pool. */
  poolSize?: number;
  /** Where a lost connection is reported (default: JSON lines named after the schema). */
  logger?: StructuredLogger;
}

@Injectable()
class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * The service's own database: a pool, with the service's migrations applied before anything uses it
 * (the factory awaits them, so Nest does not finish start-up on an old schema). Closed on shutdown.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: PG_POOL,
          useFactory: async () => {
            const pool = new Pool({
              connectionString: options.url,
              max: options.poolSize ?? 5,
              application_name: options.schema,
            });
            // a connection lost while idle or checked out is logged; unheard, pg's error would end the process
            const logger = options.logger ?? new JsonLogger(options.schema);
            watchConnectionErrors(pool, (message, error) => logger.warn(message, { error }));
            try {
              await runServiceMigrations(pool, options.schema, options.migrations);
            } catch (e) {
              await pool.end();
              throw e;
            }
            return pool;
          },
        },
        PoolCloser,
      ],
      exports: [PG_POOL],
    };
  }
}
