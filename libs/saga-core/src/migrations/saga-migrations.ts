import type { MigrationSet } from '@sagaflow/outbox-relay';

/**
 * The tables of saga-core, in schema `sagaflow`: the inbox (effectively-once consumption), saga instances
 * (the unique `(type, correlation_key)` index makes the lookup O(log n) and lets racing starters create
 * exactly one instance), deadlines (indexed by due time for the scheduler) and, from version 2, the
 * further keys a saga associates (`saga_association`, looked up by `(type, key)`).
 * Apply with `runMigrations(db, [outboxMigrations, sagaMigrations])`.
 */
export const sagaMigrations: MigrationSet = Object.freeze({
  lib: 'saga-core',
  migrations: Object.freeze([
    {
      version: 1,
      name: 'create inbox, saga_instance, saga_deadline',
      sql: /* sql */ `
        create table sagaflow.inbox (
          consumer text not null,
          message_id uuid not null,
          message_type text not null,
          processed_at timestamptz not null default now(),
          primary key (consumer, message_id)
        );
        comment on table sagaflow.inbox is
          'One row per (consumer, message) applied: a redelivered message finds its row and changes nothing.';
        create index inbox_processed_brin on sagaflow.inbox using brin (processed_at);

        create table sagaflow.saga_instance (
          id uuid primary key,
          type text not null,
          correlation_key text not null,
          correlation_id text not null,
          definition_version integer not null,
          status text not null
            check (status in ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED')),
          state jsonb not null,
          steps jsonb not null,
          completed_steps jsonb not null,
          version integer not null,
          started_at timestamptz not null,
          updated_at timestamptz not null,
          ended_at timestamptz,
          reason text,
          stuck_code text,
          stuck_reason text,
          stuck_at timestamptz,
          constraint saga_instance_type_correlation_key unique (type, correlation_key)
        );
        comment on table sagaflow.saga_instance is
          'Saga instances; stuck_* is set when a message for the instance was dead-lettered.';
        create index saga_instance_open_idx on sagaflow.saga_instance (type, status) where ended_at is null;

        create table sagaflow.saga_deadline (
          saga_id uuid not null references sagaflow.saga_instance (id) on delete cascade,
          name text not null,
          saga_type text not null,
          due_at timestamptz not null,
          primary key (saga_id, name)
        );
        create index saga_deadline_due_idx on sagaflow.saga_deadline (due_at);
      `,
    },
    {
      version: 2,
      name: 'create saga_association',
      sql: /* sql */ `
        create table sagaflow.saga_association (
          saga_type text not null,
          key text not null,
          saga_id uuid not null references sagaflow.saga_instance (id) on delete cascade,
          primary key (saga_type, key)
        );
        comment on table sagaflow.saga_association is
          'Further keys a running saga answers to (ctx.associate); one owner per (type, key); deleted when the saga ends.';
        create index saga_association_saga_idx on sagaflow.saga_association (saga_id);
      `,
    },
  ]),
});
