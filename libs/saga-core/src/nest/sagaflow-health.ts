import { Injectable } from '@nestjs/common';
import type { SagaflowHealthReport } from '../runtime/check-health';
import { SagaflowRuntime } from '../runtime/sagaflow-runtime';

/** Readiness of the service's dependencies, for a `/health` endpoint. */
@Injectable()
export class SagaflowHealth {
  constructor(private readonly runtime: SagaflowRuntime) {}

  /** Probes the database, the broker and (with the Avro codec) the schema registry. */
  check(): Promise<SagaflowHealthReport> {
    return this.runtime.health();
  }
}
