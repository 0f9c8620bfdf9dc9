import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { OutboxRelay } from '../relay/outbox-relay';
import type { OutboxRelayConfig } from '../relay/relay-config';

/** Starts the relay when the application has bootstrapped, and stops it (finishing its batch) on shutdown. */
@Injectable()
export class OutboxRelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(OutboxRelay) private readonly relay: OutboxRelay) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

/**
 * Embeds an {@link OutboxRelay} in a Nest application, tied to its lifecycle; inject `OutboxRelay` for
 * `isLeader()`, its events and its metrics registry. Shutdown hooks must be enabled
 * (`app.enableShutdownHooks()`) for SIGTERM to stop the relay gracefully.
 * @example
 * @Module({ imports: [OutboxRelayModule.forRoot({ databaseUrl, brokers, codec, catalog })] })
 * export class AppModule {}
 */
@Module({})
export class OutboxRelayModule {
  /**
   * @throws ConfigError naming the setting, at module definition: the app refuses to start before
   * anything connects.
   */
  static forRoot(config: OutboxRelayConfig): DynamicModule {
    const relay = new OutboxRelay(config);
    return {
      module: OutboxRelayModule,
      providers: [{ provide: OutboxRelay, useValue: relay }, OutboxRelayLifecycle],
      exports: [OutboxRelay],
    };
  }
}
