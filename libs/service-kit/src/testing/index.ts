/**
 * @sagaflow/service-kit/testing — helpers for the demo services' integration suites (real PostgreSQL
 * through tools/stack). Kept out of the main entry and out of the build, so the services never load
 * tools/stack; suites reach it through the workspace alias.
 */
export { createServiceTestDatabase, type ServiceTestDatabase } from './service-test-database';
