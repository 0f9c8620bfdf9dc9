import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DefinitionError } from '@sagaflow/outbox-relay';
import { parseSagaflowConfig, type SagaflowConfig } from '../config/sagaflow-config';
import { isSagaClass } from '../declaration/saga-metadata';
import { SagaflowMetrics } from '../observability/sagaflow-metrics';
import { SagaQueries } from '../query/saga-queries';
import { SagaflowRuntime } from '../runtime/sagaflow-runtime';
import { SagaflowTransactions } from '../runtime/sagaflow-transactions';
import { SagaflowBootstrap } from './sagaflow-bootstrap';
import { SagaflowHealth } from './sagaflow-health';
import { SagaflowTransport } from './sagaflow-transport';
import { SAGAFLOW_CONFIG } from './tokens';

/**
 * The NestJS module of Sagaflow. `forRoot` once in the app module (global); `forFeature` for saga classes.
 * @example
 * ＠Module({
 *   imports: [
 *     SagaflowModule.forRoot({ service: 'order-service', databaseUrl, kafka: { brokers },
 *       codec: { kind: 'avro', registryUrl }, catalog: orderCatalog }),
 *     SagaflowModule.forFeature([OrderFulfilment]),
 *   ],
 *   providers: [OrderParticipants],
 * })
 * export class AppModule {}
 */
@Module({})
export class SagaflowModule {
  /**
   * Validates the configuration at once (a bad value throws ConfigError before anything connects) and
   * provides {@link SagaflowTransactions} (alias `Outbox`), {@link SagaflowMetrics}, {@link SagaQueries}, {@link SagaflowHealth},
   * {@link SagaflowTransport} and the {@link SagaflowRuntime}, started at application bootstrap.
   * @throws ConfigError naming the setting, the rule and the value.
   */
  static forRoot(config: SagaflowConfig): DynamicModule {
    const resolved = parseSagaflowConfig(config);
    return {
      module: SagaflowModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: SAGAFLOW_CONFIG, useValue: resolved },
        { provide: SagaflowRuntime, useFactory: () => new SagaflowRuntime(resolved) },
        {
          provide: SagaflowTransactions,
          useFactory: (r: SagaflowRuntime) => r.transactions,
          inject: [SagaflowRuntime],
        },
        {
          provide: SagaflowMetrics,
          useFactory: (r: SagaflowRuntime) => r.metrics,
          inject: [SagaflowRuntime],
        },
        {
          provide: SagaQueries,
          useFactory: (r: SagaflowRuntime) => r.queries,
          inject: [SagaflowRuntime],
        },
        SagaflowHealth,
        SagaflowTransport,
        SagaflowBootstrap,
      ],
      exports: [
        SAGAFLOW_CONFIG,
        SagaflowRuntime,
        SagaflowTransactions,
        SagaflowMetrics,
        SagaQueries,
        SagaflowHealth,
        SagaflowTransport,
      ],
    };
  }

  /**
   * Registers saga classes as providers; the runtime finds them by `SagaDiscovery.KEY`. Several versions
   * of one saga type are several classes.
   * @throws DefinitionError when a class is not decorated with `@Saga`.
   */
  static forFeature(sagas: readonly Type[]): DynamicModule {
    for (const s of sagas) {
      if (!isSagaClass(s))
        throw new DefinitionError(`SagaflowModule.forFeature: class ${s?.name} is not decorated with @Saga`);
    }
    return { module: SagaflowModule, providers: [...sagas], exports: [...sagas] };
  }
}
