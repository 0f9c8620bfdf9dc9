// A tick service as its own process, for the crash test: it runs until the armed fault point kills it.
import 'reflect-metadata';
import { tickService, tickType } from './batch-app';

const [service, databaseUrl, brokers, topic] = process.argv.slice(2) as [string, string, string, string];
const quiet = () => undefined;
const { start } = tickService({
  service,
  databaseUrl,
  brokers: brokers.split(','),
  type: tickType(topic),
  logger: { debug: quiet, info: quiet, warn: quiet, error: (m, f) => console.error(m, JSON.stringify(f)) },
});
start().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
