/**
 * @sagaflow/outbox-relay/nest — the relay as a NestJS module. A separate entry point, so users without
 * Nest never load `@nestjs/common` (an optional peer dependency).
 */
export { OutboxRelayModule, OutboxRelayLifecycle } from './outbox-relay.module';
