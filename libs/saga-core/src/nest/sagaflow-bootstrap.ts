import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { DefinitionError } from '@sagaflow/outbox-relay';
import { SagaDiscovery } from '../declaration/decorators';
import { ParticipantDiscovery } from '../participant/participant-metadata';
import { SagaflowRuntime } from '../runtime/sagaflow-runtime';
import { SagaflowTransport } from './sagaflow-transport';

/**
 * Builds the whole model once at bootstrap (sagas by `SagaDiscovery.KEY`, participants by
 * `ParticipantDiscovery.KEY`, `@EventPattern` handlers from the transport), validates it and starts the
 * runtime; stops it at shutdown.
 */
@Injectable()
export class SagaflowBootstrap implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly runtime: SagaflowRuntime,
    private readonly transport: SagaflowTransport,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const sagas = this.instances(this.discovery.getProviders({ metadataKey: SagaDiscovery.KEY }));
    const participants = this.instances([
      ...this.discovery.getProviders({ metadataKey: ParticipantDiscovery.KEY }),
      ...this.discovery.getControllers({ metadataKey: ParticipantDiscovery.KEY }),
    ]);
    await this.runtime.start({ sagas, participants, handlers: this.transport.registrations() });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }

  private instances(wrappers: InstanceWrapper[]): object[] {
    const seen = new Set<object>();
    for (const w of wrappers) {
      if (!w.isDependencyTreeStatic()) {
        throw new DefinitionError(
          `${w.name}: sagas and message handlers must be singleton providers (not request- or transient-scoped)`,
        );
      }
      if (w.instance && typeof w.instance === 'object') seen.add(w.instance as object);
    }
    return [...seen];
  }
}
