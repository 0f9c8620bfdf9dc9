import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { ensureTopics } from '@sagaflow/outbox-relay';
import { createDatabase, dropDatabase, uniqueDatabaseName, uniqueTopicName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SagaflowRuntime, type SagaflowLogger } from '../src/index';
import {
  createParallelTripSaga,
  createTripContracts,
  type TripContracts,
} from '../src/testing/parallel-trip.spec-helper';
import { loadByCorrelationSql } from '../src/store/load-instance';
import { memoryLogger } from './sample-app/services';
import { metricValue } from './support/sample-suite';
import './support/provided-context';
import {
  answerHeldHotel,
  createTripParticipant,
  hotelHeld,
  tripEffects,
  tripParticipantSchemaSql,
} from './trip-app/trip-participant';

interface StoredTrip {
  id: string;
  status: string;
  completed_steps: string[];
  steps: Record<string, { status: string; attempts?: number; messageId?: string }>;
}

// The trip saga of issue 13 (flight, hotel and car reserved in parallel, then confirmed) across two real
// services on Kafka, the registry and PostgreSQL.
describe('parallel steps, step retries and associated keys on real Kafka and PostgreSQL', () => {
  const stack = inject('stack');
  const id = `trip-${randomBytes(4).toString('hex')}`;
  const prefix = uniqueTopicName('sagacore.trip');
  const c: TripContracts = createTripContracts(prefix);
  const names = { trips: uniqueDatabaseName('trip_saga'), providers: uniqueDatabaseName('trip_providers') };
  let tripDb: Pool;
  let providerDb: Pool;
  let trips: SagaflowRuntime;
  let providers: SagaflowRuntime;
  const tripLog = memoryLogger();

  const runtime = (service: string, databaseUrl: string, logger: SagaflowLogger) =>
    new SagaflowRuntime({
      service: `${id}-${service}`,
      databaseUrl,
      kafka: { brokers: stack.kafkaBrokers },
      codec: { kind: 'avro', registryUrl: stack.schemaRegistryUrl },
      catalog: c.all,
      consumer: {
        retry: { attempts: 3, initialBackoff: '50ms', maxBackoff: '200ms' },
        sessionTimeout: '10s',
        heartbeatInterval: '1s',
      },
      deadlines: { pollInterval: '200ms' },
      relay: { retention: '1h' },
      logger,
    });

  beforeAll(async () => {
    const tripUrl = await createDatabase(stack.databaseUrl, names.trips);
    const providerUrl = await createDatabase(stack.databaseUrl, names.providers);
    const kafka = new Kafka({
      clientId: `${id}-setup`,
      brokers: stack.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    await ensureTopics(
      kafka,
      [...new Set(c.all.map((t) => t.topic))].map((topic) => ({ topic, numPartitions: 1 })),
    );
    tripDb = new Pool({ connectionString: tripUrl, max: 2 });
    providerDb = new Pool({ connectionString: providerUrl, max: 2 });
    await providerDb.query(tripParticipantSchemaSql);
    providers = runtime('providers', providerUrl, memoryLogger());
    const Providers = createTripParticipant(c);
    await providers.start({ participants: [new Providers()] });
    trips = runtime('trips', tripUrl, tripLog);
    const Trip = createParallelTripSaga(c, { reserveTimeout: '5s', hotelAttempts: 3, hotelBackoff: '500ms' });
    await trips.start({ sagas: [new Trip()] });
  });

  afterAll(async () => {
    await trips?.stop();
    await providers?.stop();
    await tripDb?.end();
    await providerDb?.end();
    const kafka = new Kafka({
      clientId: `${id}-teardown`,
      brokers: stack.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const existing = await admin.listTopics();
    await admin.deleteTopics({ topics: existing.filter((t) => t.startsWith(prefix)) }).catch(() => undefined);
    await admin.disconnect();
    await dropDatabase(stack.databaseUrl, names.trips);
    await dropDatabase(stack.databaseUrl, names.providers);
  });

  const newTrip = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;
  const request = (tripId: string, scenario: string) =>
    trips.transactions.run((t) => t.emit(c.TripRequested, { tripId, scenario }));
  const tripOf = async (tripId: string) =>
    (
      await tripDb.query<StoredTrip>(
        `select id, status, completed_steps, steps from sagaflow.saga_instance where type = 'ParallelTrip' and correlation_key = $1`,
        [tripId],
      )
    ).rows[0];
  const waitForTrip = (tripId: string, ok: (t: StoredTrip) => boolean, what: string) =>
    waitFor(
      async () => {
        const t = await tripOf(tripId);
        return t && ok(t) ? t : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, description: `trip ${tripId} ${what}` },
    );
  const associationsOf = async (sagaId: string) =>
    (await tripDb.query(`select key from sagaflow.saga_association where saga_id = $1`, [sagaId])).rows;

  it('all three reservations succeed → the trip is confirmed', async () => {
    const tripId = newTrip('all-ok');
    await request(tripId, 'ok');
    const t = await waitForTrip(tripId, (x) => x.status === 'COMPLETED', 'to complete');
    expect(t.completed_steps.slice(0, 3).sort()).toEqual(['reserveCar', 'reserveFlight', 'reserveHotel']);
    expect(t.completed_steps[3]).toBe('confirm');
    const effects = await tripEffects(providerDb, tripId);
    expect(effects.slice(0, 3).sort()).toEqual(['car:reserve', 'flight:reserve', 'hotel:reserve']);
    expect(effects[3]).toBe('trip:confirm');
    expect(await associationsOf(t.id)).toEqual([]); // removed when the saga ended
  });

  it('the car fails → flight and the hotel that completes after the failure are cancelled exactly once each', async () => {
    const tripId = newTrip('car-fails');
    await request(tripId, 'car-fails');
    // the car is rejected and the flight undone while the hotel still holds back its answer
    await waitForTrip(
      tripId,
      (x) => x.status === 'COMPENSATING' && x.steps.reserveFlight?.status === 'COMPENSATED',
      'to have undone the flight',
    );
    await waitFor(() => hotelHeld(providerDb, tripId), {
      timeoutMs: 30_000,
      description: 'the hotel to hold',
    });
    expect((await tripOf(tripId))!.status).toBe('COMPENSATING'); // it waits for the hotel
    await answerHeldHotel(c, providers.transactions, tripId);
    const t = await waitForTrip(tripId, (x) => x.status === 'COMPENSATED', 'to be compensated');
    expect(t.steps.reserveHotel?.status).toBe('COMPENSATED');
    expect(t.steps.reserveCar?.status).toBe('FAILED');
    expect(await tripEffects(providerDb, tripId)).toEqual([
      'flight:reserve',
      'flight:cancel',
      'hotel:reserve',
      'hotel:cancel',
    ]);
  });

  it('the hotel fails → the car is cancelled, its confirmation found by the rental id the saga associated', async () => {
    const tripId = newTrip('hotel-fails');
    await request(tripId, 'hotel-fails');
    const t = await waitForTrip(tripId, (x) => x.status === 'COMPENSATED', 'to be compensated');
    expect(t.steps.reserveCar?.status).toBe('COMPENSATED');
    expect(t.steps.reserveFlight?.status).toBe('COMPENSATED');
    const effects = await tripEffects(providerDb, tripId);
    expect(effects.filter((e) => e.endsWith(':cancel')).sort()).toEqual(['car:cancel', 'flight:cancel']);
    expect(await associationsOf(t.id)).toEqual([]);
  });

  it('the hotel times out once and succeeds on the re-sent command (same message-id) → confirmed without compensation', async () => {
    const tripId = newTrip('hotel-down');
    await request(tripId, 'hotel-down-once');
    const t = await waitForTrip(tripId, (x) => x.status === 'COMPLETED', 'to complete');
    expect(t.steps.reserveHotel?.attempts).toBe(2);
    expect(await tripEffects(providerDb, tripId)).not.toContain('hotel:cancel');
    expect((await tripEffects(providerDb, tripId)).filter((e) => e === 'hotel:reserve')).toHaveLength(1);
    // the re-send took the first send's id: one outbox row (the published first one made room for it)
    const { rows } = await tripDb.query<{ message_id: string }>(
      `select message_id::text from sagaflow.outbox where message_key = $1 and message_type like '%.ReserveHotel'`,
      [tripId],
    );
    expect(rows).toEqual([{ message_id: t.steps.reserveHotel!.messageId }]);
    const inbox = await providerDb.query(
      `select count(*)::int as n from sagaflow.inbox where message_id = $1`,
      [t.steps.reserveHotel!.messageId],
    );
    expect(inbox.rows[0].n).toBe(1);
    expect(
      await metricValue(await trips.metrics.registry.metrics(), 'sagaflow_sagas_total', {
        transition: 'step_retried',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('finding an instance by an associated key is an index lookup', async () => {
    const { rows } = await tripDb.query(
      `explain (format json) ${loadByCorrelationSql.replaceAll('$1', `'ParallelTrip'`).replaceAll('$2', `'rental:x'`)}`,
    );
    const plan = JSON.stringify(rows[0]['QUERY PLAN']);
    expect(plan).toContain('saga_association_pkey');
    expect(plan).toContain('saga_instance_type_correlation_key');
  });
});
