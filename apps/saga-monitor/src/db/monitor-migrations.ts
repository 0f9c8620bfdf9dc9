import type { MigrationSet } from '@sagaflow/outbox-relay';
import { definitionType } from '../flows/flow-message';

/**
 * The projection's tables, in schema `monitor`. Everything here is derived from Kafka and can be dropped
 * and rebuilt (`--rebuild`); the consumed offsets live beside the data they produced, so one transaction
 * moves both (docs/decisions/0020-monitor-projection-and-offsets.md).
 */
export const monitorMigrations: MigrationSet = Object.freeze({
  lib: 'saga-monitor',
  migrations: Object.freeze([
    {
      version: 1,
      name: 'create monitor projection',
      sql: /* sql */ `
        create schema if not exists monitor;

        -- next offset to read per partition; written in the same transaction as what those records produced
        create table monitor.consumer_offset (
          topic text not null,
          partition integer not null,
          next_offset bigint not null,
          primary key (topic, partition)
        );

        -- every consumed record, decoded; undecodable ones keep their bytes and the error
        create table monitor.message (
          topic text not null,
          partition integer not null,
          "offset" bigint not null,
          message_id text,
          message_type text,
          correlation_id text,
          causation_id text,
          saga_type text,
          source text,
          occurred_at timestamptz,
          kafka_timestamp timestamptz not null,
          record_key text,
          content_type text,
          headers jsonb not null,
          payload jsonb,
          decode_error text,
          raw_value bytea,
          primary key (topic, partition, "offset")
        );
        create index message_correlation_idx on monitor.message (correlation_id, occurred_at);
        -- causation trees (choreographed flows) walk from a message to the ones it caused
        create index message_causation_idx on monitor.message (causation_id) where causation_id is not null;
        create index message_id_idx on monitor.message (message_id);

        create table monitor.saga (
          saga_id text primary key,
          saga_type text not null,
          correlation_id text,
          correlation_key text not null,
          definition_version integer not null,
          status text not null,
          last_transition text not null,
          current_step text,
          reason text,
          instance_version integer not null,
          started_at timestamptz not null,
          updated_at timestamptz not null,
          ended_at timestamptz,
          duration_ms bigint,
          transition_count integer not null
        );
        -- keyset paging: newest first, optionally within one type or one status
        create index saga_started_idx on monitor.saga (started_at desc, saga_id desc);
        create index saga_type_started_idx on monitor.saga (saga_type, started_at desc, saga_id desc);
        create index saga_status_started_idx on monitor.saga (status, started_at desc, saga_id desc);
        -- stuck detection only ever looks at the (few) sagas still running
        create index saga_active_idx on monitor.saga (started_at desc, saga_id desc)
          where status in ('RUNNING', 'COMPENSATING');
        create index saga_correlation_idx on monitor.saga (correlation_id);
        create index saga_type_ended_idx on monitor.saga (saga_type, ended_at) where ended_at is not null;

        -- one row per lifecycle message id: a record the relay published twice is applied once
        create table monitor.saga_transition (
          message_id text primary key,
          saga_id text not null,
          saga_type text not null,
          transition text not null,
          status text not null,
          step text,
          reason text,
          at timestamptz not null,
          instance_version integer not null,
          topic text not null,
          partition integer not null,
          "offset" bigint not null
        );
        create index saga_transition_saga_idx on monitor.saga_transition (saga_id, at);

        create table monitor.dead_letter (
          topic text not null,
          partition integer not null,
          "offset" bigint not null,
          correlation_id text,
          message_id text,
          message_type text,
          error_code text,
          error_message text,
          original_topic text,
          original_partition integer,
          original_offset bigint,
          consumer text,
          attempts integer,
          failed_at timestamptz,
          primary key (topic, partition, "offset")
        );
        create index dead_letter_correlation_idx on monitor.dead_letter (correlation_id, failed_at desc);

        -- every version of every definition; the newest record of a key is the current one
        create table monitor.definition (
          key text not null,
          version integer not null,
          kind text not null,
          name text not null,
          service text not null,
          document jsonb,
          document_error text,
          published_at timestamptz,
          "offset" bigint not null,
          primary key (key, version)
        );
      `,
    },
    {
      version: 2,
      name: 'flows and observed interactions',
      // docs/decisions/0030-flows-from-causation.md; the backfill makes an upgrade show past flows too
      sql: /* sql */ `
        -- one row per correlation id: the flows list pages over it newest first
        create table monitor.flow (
          correlation_id text primary key,
          started_at timestamptz not null,
          last_at timestamptz not null,
          message_count integer not null
        );
        create index flow_started_idx on monitor.flow (started_at desc, correlation_id desc);

        -- producer → event type → consumer, counted once per distinct child message
        create table monitor.interaction (
          producer text not null,
          event_type text not null,
          consumer text not null,
          observations bigint not null,
          first_seen timestamptz not null,
          last_seen timestamptz not null,
          last_correlation_id text,
          primary key (producer, event_type, consumer)
        );

        insert into monitor.flow (correlation_id, started_at, last_at, message_count)
        select correlation_id, min(coalesce(occurred_at, kafka_timestamp)),
          max(coalesce(occurred_at, kafka_timestamp)), count(*)
        from monitor.message
        where correlation_id is not null and message_type is distinct from '${definitionType}'
        group by correlation_id;

        insert into monitor.interaction (producer, event_type, consumer, observations, first_seen, last_seen,
          last_correlation_id)
        select p.source, p.message_type, c.source, count(*), min(c.at), max(c.at),
          (array_agg(c.correlation_id order by c.at desc, c.correlation_id desc))[1]
        from (
          select distinct on (message_id) message_id, causation_id, source, correlation_id,
            coalesce(occurred_at, kafka_timestamp) as at
          from monitor.message
          where causation_id is not null and source is not null and message_id is not null
            and topic not like '%.dlt'
          order by message_id, topic, partition, "offset"
        ) c
        join (
          select distinct on (message_id) message_id, message_type, source
          from monitor.message
          where message_id is not null and topic not like '%.dlt'
          order by message_id, topic, partition, "offset"
        ) p on p.message_id = c.causation_id
        where p.source is not null and p.message_type is not null
        group by p.source, p.message_type, c.source;
      `,
    },
    {
      version: 3,
      name: 'operator actions',
      // docs/decisions/0061-operator-actions.md. Not derived from Kafka, so it lives outside schema
      // monitor and survives --rebuild, which drops that schema and runs every version again: hence
      // "if not exists" throughout.
      sql: /* sql */ `
        create schema if not exists monitor_ops;

        -- one row per operator action: who, when, what, why, and what came of it
        create table if not exists monitor_ops.operator_action (
          action_id text primary key,
          saga_id text not null,
          saga_type text not null,
          correlation_id text,
          action text not null,
          operator text not null,
          reason text not null,
          requested_at timestamptz not null,
          -- publishing → pending (resume, cancel: until the lifecycle shows the effect) | done | failed
          outcome text not null,
          error text,
          target_topic text,
          dead_letter_topic text,
          dead_letter_partition integer,
          dead_letter_offset bigint
        );
        create index if not exists operator_action_saga_idx on monitor_ops.operator_action (saga_id, requested_at);
        -- a dead letter counts as resolved once retried or discarded
        create index if not exists operator_action_dead_letter_idx
          on monitor_ops.operator_action (dead_letter_topic, dead_letter_partition, dead_letter_offset)
          where dead_letter_topic is not null;
      `,
    },
    {
      version: 4,
      name: 'who emits each message type',
      // the graph draws an event no reaction declares emitting (one sent from an HTTP handler) from the
      // services seen sending it (docs/decisions/0064-graph-at-a-glance.md)
      sql: /* sql */ `
        create index if not exists message_type_source_idx on monitor.message (message_type, source)
          where source is not null;
      `,
    },
    {
      version: 5,
      name: 'a transition is its record and its entry in it',
      // a sagaflow.SagaTransitions record carries several transitions (docs/decisions/0042); a
      // sagaflow.SagaTransition record is entry 0
      sql: /* sql */ `
        alter table monitor.saga_transition add column entry integer not null default 0;
        alter table monitor.saga_transition drop constraint saga_transition_pkey;
        alter table monitor.saga_transition add primary key (message_id, entry);
      `,
    },
  ]),
});
