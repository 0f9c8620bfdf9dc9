import type { MigrationSet } from '@sagaflow/outbox-relay';

/**
 * This service's own tables, beside Sagaflow's (which live in schema `sagaflow` and are created by
 * `SagaflowModule` at start-up). Applied with `runMigrations(databaseUrl, [tripMigrations])`, which
 * records them in `sagaflow.schema_migrations` under `lib: 'trip-service'`; any migration tool works as well.
 */
export const tripMigrations: MigrationSet = {
  lib: 'trip-service',
  migrations: [
    {
      version: 1,
      name: 'create trip, hotel_reservation, trip_receipt',
      sql: /* sql */ `
        create table trip (
          trip_id text primary key,
          requested_at timestamptz not null default now()
        );
        create table hotel_reservation (
          trip_id text primary key,
          hotel text not null,
          nights integer not null,
          status text not null check (status in ('booked', 'cancelled'))
        );
        create table trip_receipt (
          trip_id text primary key,
          amount_cents bigint not null
        );
      `,
    },
  ],
};
