#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { retireService } from '../runtime/retire-service';

const usage = `Usage: sagaflow-retire-service --service <name> --brokers <host:port,...> [--saga-type <type>]... [--topic <definitions topic>]

Removes a retired service's reactions (and the saga types it hosted) from sagaflow.definitions, so the
saga monitor stops expecting them. Stop every instance of the service first.
`;

/** @returns the exit status: 0 done, 2 bad usage or options, 1 Kafka failed. */
export async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        service: { type: 'string' },
        brokers: { type: 'string' },
        'saga-type': { type: 'string', multiple: true },
        topic: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  for (const required of ['service', 'brokers'] as const)
    if (!values[required]) {
      process.stderr.write(`--${required} is required\n${usage}`);
      return 2;
    }
  try {
    const keys = await retireService({
      service: values.service!,
      brokers: values.brokers!.split(',').map((b) => b.trim()),
      ...(values['saga-type'] ? { sagaTypes: values['saga-type'] } : {}),
      ...(values.topic ? { topic: values.topic } : {}),
    });
    process.stdout.write(`${JSON.stringify({ retired: keys })}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return (error as { code?: string }).code === 'CONFIG_INVALID' ? 2 : 1;
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
