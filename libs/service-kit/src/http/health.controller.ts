import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { SagaflowHealth } from '@sagaflow/saga-core';
import type { Response } from 'express';
import { Pool } from 'pg';
import { PG_POOL } from '../database/database.module';

/**
 * `GET /health`: ready (200) only when the service's database, Kafka and the schema registry all
 * answer; otherwise 503 with the part that does not. Load balancers and `docker-compose` gate on it.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly sagaflow: SagaflowHealth,
  ) {}

  @Get()
  async check(@Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    const [database, sagaflow] = await Promise.all([this.database(), this.sagaflow.check()]);
    // Sagaflow probes its own pool, the broker and the registry; ours is the pool the HTTP API reads with
    const ok = database.ok && sagaflow.status === 'up';
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'unavailable', database, sagaflow };
  }

  private async database(): Promise<{ ok: boolean; error?: string }> {
    try {
      await this.pool.query('select 1');
      return { ok: true };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }
}
