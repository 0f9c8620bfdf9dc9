import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { runMigrations } from '@sagaflow/outbox-relay';
import { sagaflowConfig } from './config';
import { tripMigrations } from './migrations';
import { TripModule } from './trip.module';

/** Your tables first, then the app: SagaflowModule migrates its own tables, creates topics and starts consuming. */
async function main(): Promise<void> {
  const config = sagaflowConfig();
  await runMigrations(config.databaseUrl, [tripMigrations]);
  const app = await NestFactory.createApplicationContext(TripModule.register(config));
  app.enableShutdownHooks();
}

void main();
