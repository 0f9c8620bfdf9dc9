/**
 * @sagaflow/system — the whole demo system as processes on this machine, for `npm run demo`, the
 * end-to-end tests and `bench:sagas`: start the services (and the saga monitor) on fresh databases, wait
 * for `/health`, stop, kill -9, pause, restart; drive orders through their HTTP APIs; read their
 * databases to check the system's invariants.
 *
 * @example
 * const system = await DemoSystem.start({ stack: await ensureStack(), monitor: 'off' });
 * const client = system.client(); // the three services' HTTP APIs; system.ledger() reads their databases
 * await system.process('inventory-service').kill();
 * await system.process('inventory-service').startHealthy();
 */
export { DemoSystem, type DemoSystemOptions } from './demo-system';
export { ServiceProcess, type ServiceProcessSpec } from './service-process';
export {
  systemServices,
  sagaServices,
  defaultPorts,
  defaultDatabaseName,
  type SystemService,
  type SagaService,
} from './system-services';
export { ensureBuilt, isStale, mainOf } from './ensure-built';
export { freePort, assertPortFree } from './free-port';
export { systemLockPath, takeSystemLock } from './system-lock';
export { emptySystemTopics, systemTopicPattern } from './system-topics';
export {
  SystemClient,
  type OrderLineInput,
  type OrderState,
  type StockState,
  type AccountState,
} from './system-client';
export { SystemLedger, reasonKind, type LedgerScope, type OrderTally } from './system-ledger';
export { placeOrders, type OrderRequest } from './place-orders';
export { demoScenario, type DemoScenario } from './demo-scenario';
export { runTimeoutScene } from './timeout-scene';
export { formatSummary, formatUrls } from './demo-summary';
export { keyOrderViolations, type TopicRecord } from './key-order';
export { readTopicRecords } from './read-topic-records';
