import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { uniqueTopicName, waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigError, OutboxRelay } from '../src/index';
import { OutboxRelayModule } from '../src/nest/index';
import { createOutboxDatabase, type OutboxDatabase } from './support/outbox-database';
import { memoryLogger } from './support/quiet-logger';
import { specEventType } from './support/spec-types';

describe('OutboxRelayModule', () => {
  const stack = inject('stack');
  const type = specEventType(uniqueTopicName('relay.nest'));
  let db: OutboxDatabase;

  beforeAll(async () => {
    db = await createOutboxDatabase(stack.databaseUrl, 'relay_nest');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('starts the relay with the application and stops it on close', async () => {
    @Module({
      imports: [
        OutboxRelayModule.forRoot({
          databaseUrl: db.url,
          brokers: stack.kafkaBrokers,
          codec: { kind: 'json' },
          catalog: [type],
          logger: memoryLogger(),
        }),
      ],
    })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const relay = app.get(OutboxRelay);
    await waitFor(() => relay.isLeader(), { timeoutMs: 30_000, description: 'the embedded relay to lead' });
    await app.close();
    expect(relay.isLeader()).toBe(false);
  });

  it('refuses a bad configuration before anything connects, naming the setting', () => {
    expect(() =>
      OutboxRelayModule.forRoot({
        databaseUrl: db.url,
        brokers: [],
        codec: { kind: 'json' },
        catalog: [type],
      }),
    ).toThrow(ConfigError);
    expect(() =>
      OutboxRelayModule.forRoot({
        databaseUrl: db.url,
        brokers: [],
        codec: { kind: 'json' },
        catalog: [type],
      }),
    ).toThrow(/brokers/);
  });
});
