/** The demo system's processes, in start order (participants first, so the saga's first commands are consumed at once). */
export const systemServices = [
  'inventory-service',
  'payment-service',
  'order-service',
  'saga-monitor',
] as const;

/** One of the demo system's processes. */
export type SystemService = (typeof systemServices)[number];

/** The three NestJS services the saga runs across (the monitor only watches). */
export type SagaService = Exclude<SystemService, 'saga-monitor'>;

/** The saga services, in start order. */
export const sagaServices: readonly SagaService[] = ['inventory-service', 'payment-service', 'order-service'];

/** Default HTTP ports: the services' own defaults and docker-compose's. */
export const defaultPorts: Readonly<Record<SystemService, number>> = Object.freeze({
  'order-service': 3001,
  'inventory-service': 3002,
  'payment-service': 3003,
  'saga-monitor': 8080,
});

/** Database name per process on the shared server, as in docker-compose (`order_service`, …). */
export function defaultDatabaseName(service: SystemService): string {
  return service.replace(/-/g, '_');
}
