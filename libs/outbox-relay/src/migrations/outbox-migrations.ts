import type { MigrationSet } from './migration';

/** Channel a relay LISTENs to: {@link OutboxNotifier} notifies it after a writer's commit. */
export const outboxNotifyChannel = 'sagaflow_outbox';

/**
 * The outbox table. The relay reads pending rows by state (`published_at is null`) in `id` order and
 * never by a high-water mark, so a row committed late with a lower id is simply still pending: nothing is
 * skipped. Why not an xid horizon: docs/decisions/0005-outbox-read-order.md.
 */
export const outboxMigrations: MigrationSet = Object.freeze({
  lib: 'outbox-relay',
  migrations: Object.freeze([
    {
      version: 1,
      name: 'create outbox',
      sql: /* sql */ `
        create table sagaflow.outbox (
          id bigint generated always as identity primary key,
          message_id uuid not null,
          topic text not null,
          message_key text not null,
          message_type text not null,
          payload jsonb not null,
          correlation_id text not null,
          causation_id text,
          saga_type text,
          source text not null,
          traceparent text,
          occurred_at timestamptz not null,
          created_at timestamptz not null default now(),
          published_at timestamptz,
          attempts integer not null default 0,
          failed_at timestamptz,
          error_code text,
          error_message text,
          constraint outbox_message_id_unique unique (message_id)
        );
        comment on table sagaflow.outbox is
          'Messages written in business transactions, published to Kafka by sagaflow-relay. Rows with failed_at set are set aside (see error_code, error_message) and hold back later rows of their key.';
        create index outbox_pending_idx on sagaflow.outbox (id) where published_at is null;
        create index outbox_set_aside_idx on sagaflow.outbox (topic, message_key, id)
          where failed_at is not null and published_at is null;
        -- retention cleanup finds old rows by created_at; a BRIN index costs writers next to nothing
        create index outbox_created_brin on sagaflow.outbox using brin (created_at);

        create function sagaflow.outbox_notify() returns trigger language plpgsql as $$
        begin
          perform pg_notify('sagaflow_outbox', '');
          return null;
        end $$;
        -- statement level: one notification per insert statement, delivered when the writer commits
        create trigger outbox_notify after insert on sagaflow.outbox
          for each statement execute function sagaflow.outbox_notify();
      `,
    },
    {
      version: 2,
      name: 'wake the relay after commit, not from a trigger',
      // A NOTIFY inside the business transaction makes every commit take PostgreSQL's one global notify
      // lock, which serialised the writers (docs/decisions/0040). The writer's process wakes its own relay
      // in memory and a relay elsewhere with a NOTIFY sent after the commit (OutboxNotifier).
      sql: /* sql */ `
        drop trigger outbox_notify on sagaflow.outbox;
        drop function sagaflow.outbox_notify();
      `,
    },
    {
      version: 3,
      name: 'escape the private-use mark of NUL in pending payloads',
      // From this version the writer stores NUL (which jsonb refuses) as U+E000 '0' and U+E000 itself as
      // U+E000 'e' (docs/decisions/0075). Rows still pending from an older writer hold U+E000 unescaped:
      // escaped here, so the relay reads them back as they were written. Published rows are never read again.
      sql: /* sql */ `
        update sagaflow.outbox
           set payload = replace(payload::text, chr(57344), chr(57344) || 'e')::jsonb
         where published_at is null and strpos(payload::text, chr(57344)) > 0;
      `,
    },
  ]),
});
