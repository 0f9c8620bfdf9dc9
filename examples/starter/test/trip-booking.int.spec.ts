import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import { runMigrations } from '@sagaflow/outbox-relay';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sagaflowConfig } from '../src/config';
import { tripMigrations } from '../src/migrations';
import { cardLimitCents } from '../src/participants';
import { TripModule } from '../src/trip.module';
import { Trips } from '../src/trips';

// The whole service against a real Kafka, schema registry and PostgreSQL (KAFKA_BROKERS, SCHEMA_REGISTRY_URL,
// POSTGRES_URL; the defaults are a local stack). Each run creates its own database and drops it after.
const adminUrl = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const run = process.env.STARTER_RUN!;
const database = `starter_${run}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();

/** Polls `read` until it returns a value, or fails at the deadline saying what it waited for. */
async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the trip service on the real stack', () => {
  let app: TestingModule;
  let db: Pool;

  /** The saga instance's status once it is one of `statuses`. */
  const sagaStatus = (tripId: string, statuses: string[]) =>
    until(`trip ${tripId} to be ${statuses.join(' or ')}`, async () => {
      const { rows } = await db.query<{ status: string }>(
        `select status from sagaflow.saga_instance where type = 'TripBooking' and correlation_key = $1`,
        [tripId],
      );
      return statuses.includes(rows[0]?.status ?? '') ? rows[0]!.status : undefined;
    });

  beforeAll(async () => {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${database}`); // the service's database: created by you, not Sagaflow
    await admin.end();
    await runMigrations(databaseUrl, [tripMigrations]); // your tables; Sagaflow migrates its own at start-up
    db = new Pool({ connectionString: databaseUrl, max: 2 });
    const config = {
      ...sagaflowConfig(),
      service: `trip-service-${run}`,
      databaseUrl,
      database: { poolSize: 4 },
    };
    app = await Test.createTestingModule({ imports: [TripModule.register(config)] }).compile();
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  });

  it('books the hotel, charges the card, and the reaction issues the receipt', async () => {
    await app
      .get(Trips)
      .request({ tripId: 'trip-ok', hotel: 'Hotel Lisboa', nights: 2, amountCents: 42_000 });
    expect(await sagaStatus('trip-ok', ['COMPLETED', 'COMPENSATED', 'FAILED'])).toBe('COMPLETED');
    const receipt = await until('the receipt', async () => {
      const { rows } = await db.query('select amount_cents from trip_receipt where trip_id = $1', [
        'trip-ok',
      ]);
      return rows[0] as { amount_cents: string } | undefined;
    });
    expect(receipt.amount_cents).toBe('42000');
    const { rows } = await db.query('select status from hotel_reservation where trip_id = $1', ['trip-ok']);
    expect(rows).toEqual([{ status: 'booked' }]);
  });

  it('a declined card cancels the hotel: the saga ends COMPENSATED and no receipt is issued', async () => {
    await app
      .get(Trips)
      .request({ tripId: 'trip-declined', hotel: 'Hotel Porto', nights: 1, amountCents: cardLimitCents + 1 });
    expect(await sagaStatus('trip-declined', ['COMPLETED', 'COMPENSATED', 'FAILED'])).toBe('COMPENSATED');
    const { rows } = await db.query('select status from hotel_reservation where trip_id = $1', [
      'trip-declined',
    ]);
    expect(rows).toEqual([{ status: 'cancelled' }]);
    const receipts = await db.query('select 1 from trip_receipt where trip_id = $1', ['trip-declined']);
    expect(receipts.rowCount).toBe(0);
  });
});
