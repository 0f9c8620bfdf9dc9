import { createCodec, defineMessage, ensureTopics } from '@sagaflow/outbox-relay';
import { createDatabase, dropDatabase, uniqueDatabaseName, uniqueTopicName, waitFor } from '@sagaflow/stack';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OnEvent, SagaflowRuntime, type MessageContext } from '../src/index';
import { readPublishedDefinitions } from '../src/reactions/read-published-definitions';
import { memoryLogger } from './sample-app/services';
import './support/provided-context';

// Two services on the real broker whose reactions form a loop: a's Ping causes b's Pong... and b's Pong
// causes a's Ping. The one that starts second reads the first one's reactions from sagaflow.definitions
// and warns, naming the chain. Type names and services are unique per run, so earlier runs' definitions
// on the shared compacted topic never join the graph.
const stack = inject('stack');
const prefix = uniqueTopicName('sagacore.cycles');
const ns = prefix.replace(/[^A-Za-z0-9_]/g, '_');
const id = `cycles-${ns.slice(-10)}`;
const message = (name: string) =>
  defineMessage<{ id: string }>({
    topic: `${prefix}.${name.toLowerCase()}`,
    kind: 'event',
    key: (m) => m.id,
    schema: { type: 'record', namespace: ns, name, fields: [{ name: 'id', type: 'string' }] },
  });
const Ping = message('Ping');
const Pong = message('Pong');

class PingReaction {
  @OnEvent(Ping, { emits: [Pong] })
  async onPing(e: { id: string }, ctx: MessageContext): Promise<void> {
    await ctx.emit(Pong, e);
  }
}
class PongReaction {
  @OnEvent(Pong, { emits: [Ping] })
  async onPong(e: { id: string }, ctx: MessageContext): Promise<void> {
    await ctx.emit(Ping, e);
  }
}

const databases: string[] = [];
const runtimes: SagaflowRuntime[] = [];
const kafka = new Kafka({ clientId: `${id}-test`, brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });

async function startService(name: string, participant: object, logger = memoryLogger()) {
  const database = uniqueDatabaseName(`cycles_${name}`);
  databases.push(database);
  const runtime = new SagaflowRuntime({
    service: `${id}-${name}`,
    databaseUrl: await createDatabase(stack.databaseUrl, database),
    kafka: { brokers: stack.kafkaBrokers },
    codec: { kind: 'avro', registryUrl: stack.schemaRegistryUrl },
    catalog: [Ping, Pong],
    logger,
  });
  runtimes.push(runtime);
  await runtime.start({ participants: [participant] });
  return { runtime, logger };
}

beforeAll(async () => {
  await ensureTopics(kafka, [{ topic: Ping.topic }, { topic: Pong.topic }]);
});
afterAll(async () => {
  for (const r of runtimes) await r.stop();
  for (const d of databases) await dropDatabase(stack.databaseUrl, d);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [Ping.topic, Pong.topic] }).catch(() => undefined);
  await admin.disconnect();
});

describe('Reaction cycles are reported at start-up as a warning naming the chain (never a failed start-up)', () => {
  it('the second service of a loop reads the first one’s reactions from sagaflow.definitions and warns', async () => {
    const a = await startService('a', new PingReaction());
    // alone, a is on no loop
    expect((await a.runtime.reactionCycles()).cycles).toEqual([]);
    // b must see a's reactions: wait until a's relay has published them
    const codec = createCodec({ kind: 'avro', registryUrl: stack.schemaRegistryUrl });
    await waitFor(
      async () => {
        const read = await readPublishedDefinitions(kafka, codec, {
          clientId: `${id}-probe`,
          deadlineMs: 10_000,
        });
        return read.definitions.some((d) => d.key === `reactions:${id}-a`);
      },
      { timeoutMs: 60_000, intervalMs: 500, description: `reactions:${id}-a on sagaflow.definitions` },
    );

    const b = await startService('b', new PongReaction());
    const report = await b.runtime.reactionCycles();
    const chain = `${id}-b: ${ns}.Ping → ${id}-a: ${ns}.Pong → ${id}-b: ${ns}.Ping`;
    expect(report.cycles.map((c) => c.chain)).toEqual([chain]);
    expect(report.cycles[0]!.hops).toEqual([
      { consumes: `${ns}.Ping`, service: `${id}-a`, handlers: ['PingReaction.onPing'], emits: `${ns}.Pong` },
      { consumes: `${ns}.Pong`, service: `${id}-b`, handlers: ['PongReaction.onPong'], emits: `${ns}.Ping` },
    ]);
    expect(report.complete).toBe(true);
    expect(
      b.logger.lines.filter((l) => l.level === 'warn' && String(l.msg).startsWith('reaction cycle:')),
    ).toEqual([expect.objectContaining({ msg: `reaction cycle: ${chain}`, chain })]);
    expect(await b.runtime.metrics.registry.getSingleMetricAsString('sagaflow_reaction_cycles')).toMatch(
      /^sagaflow_reaction_cycles 1$/m,
    );
    // the warning does not stop the service
    expect((await b.runtime.health()).status).toBe('up');
  });
});
