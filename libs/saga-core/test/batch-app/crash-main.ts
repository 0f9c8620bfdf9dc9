// A tick service as its own process, for the crash tests: it runs until the armed fault point (or the
// test's kill -9) ends it. Arguments: service, database URL, brokers, topic, [session timeout].
import 'reflect-metadata';
import type { Duration } from '../../src/index';
import { tickService, tickType } from './batch-app';

const [service, databaseUrl, brokers, topic, sessionTimeout] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  Duration | undefined,
];
const quiet = () => undefined;
const { start } = tickService({
  service,
  databaseUrl,
  brokers: brokers.split(','),
  type: tickType(topic),
  ...(sessionTimeout ? { sessionTimeout } : {}),
  logger: { debug: quiet, info: quiet, warn: quiet, error: (m, f) => console.error(m, JSON.stringify(f)) },
});
start().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
