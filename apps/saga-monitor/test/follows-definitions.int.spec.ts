import { ContentType, ensureTopics, Header, newMessageId } from '@sagaflow/outbox-relay';
import { waitFor } from '@sagaflow/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LogLevel, MonitorLogger } from '../src/logging/monitor-logger';
import { startMonitor, type RunningMonitor } from '../src/monitor';
import { FlowTraffic, loyaltyTopic } from './support/flow-traffic';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';
import { SagaTraffic, type OutRecord } from './support/saga-traffic';

// Issue 11 item 13: the demo's monitor read a fixed list of topics, so a fourth service's events were never
// seen and every flow it took part in showed as stalled. A topic a published definition names is read
// (from its start, without a restart) whatever the pattern; a topic nobody names still is not.
describe('the monitor follows the topics the published definitions name', () => {
  const stack = inject('stack');
  let env: MonitorEnv;
  let sender: SagaTraffic;
  let flows: FlowTraffic;
  const started: RunningMonitor[] = [];
  const lines: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
  const memory: MonitorLogger = { log: (level, message, fields) => lines.push({ level, message, fields }) };
  const escape = (topic: string) => topic.replace(/[.-]/g, '\\$&');

  const start = async (): Promise<RunningMonitor> => {
    // the framework's two topics only: everything else must come from the definitions
    const pattern = `^(?:${escape(env.topics.lifecycle)}|${escape(env.topics.definitions)})$`;
    const m = await startMonitor(env.config({ MONITOR_TOPIC_PATTERN: pattern }), { logger: memory });
    started.push(m);
    return m;
  };
  const record = (topic: string, type: string, correlationId: string): OutRecord => ({
    topic,
    message: {
      key: correlationId,
      value: Buffer.from(JSON.stringify({ orderId: correlationId, points: 10 })),
      headers: {
        [Header.messageId]: newMessageId(),
        [Header.messageType]: type,
        [Header.correlationId]: correlationId,
        [Header.source]: 'loyalty-service',
        [Header.occurredAt]: new Date().toISOString(),
        [Header.contentType]: ContentType.json,
      },
    },
  });
  const projected = async (m: RunningMonitor, ids: readonly unknown[]): Promise<number> =>
    Number(
      (
        await m.pool.query<{ n: string }>(
          'select count(*) as n from monitor.message where message_id = any($1)',
          [ids],
        )
      ).rows[0]!.n,
    );

  beforeAll(async () => {
    env = await createMonitorEnv(stack, 'follows');
    await ensureTopics(env.kafka, [
      { topic: loyaltyTopic(env.topics), numPartitions: 3 },
      { topic: `${env.topics.prefix}.unnamed.events`, numPartitions: 1 },
    ]);
    sender = new SagaTraffic(env.kafka, env.topics, stack.schemaRegistryUrl);
    flows = new FlowTraffic(env.topics, stack.schemaRegistryUrl);
  });
  afterAll(async () => {
    for (const m of started) await m.stop();
    await sender?.close();
    await env?.dispose();
  });

  it('reads a new service’s topics once its reactions are published, and never a topic nobody names', async () => {
    const correlationId = newMessageId();
    const before = record(loyaltyTopic(env.topics), 'loyalty.PointsAwarded', correlationId);
    const unnamed = record(`${env.topics.prefix}.unnamed.events`, 'other.Happened', correlationId);
    // written before the monitor starts and before anything names the topic: it must still be read
    await sender.send([before, unnamed]);
    const monitor = await start();
    expect(monitor.topics()).not.toContain(loyaltyTopic(env.topics));

    await sender.send([
      await flows.reactionsDefinition({
        kind: 'reactions',
        service: 'loyalty-service',
        reactions: [
          {
            consumes: 'order.OrderApproved',
            topic: env.topics.orderEvents,
            kind: 'event',
            handler: 'Loyalty.onApproved',
            emits: ['loyalty.PointsAwarded'],
            emitsTopics: [loyaltyTopic(env.topics)],
          },
        ],
      }),
    ]);
    const after = record(loyaltyTopic(env.topics), 'loyalty.PointsAwarded', correlationId);
    const consumed = record(env.topics.orderEvents, 'order.Spec', correlationId);
    await sender.send([after, consumed]);

    const ids = [before, after, consumed].map((r) => r.message.headers![Header.messageId]);
    await waitFor(async () => (await projected(monitor, ids)) === 3 && (await monitor.lag()) === 0, {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: 'the records of the topics the reactions document names, projected',
    });
    expect(monitor.topics()).toEqual(
      expect.arrayContaining([loyaltyTopic(env.topics), env.topics.orderEvents]),
    );
    // caught up on every topic it follows, and the topic no definition names was never joined
    expect(monitor.topics()).not.toContain(`${env.topics.prefix}.unnamed.events`);
    expect(await projected(monitor, [unnamed.message.headers![Header.messageId]])).toBe(0);
  });

  it('warns, naming the group, when a second monitor joins a group that has members', async () => {
    const first = started[0] ?? (await start());
    expect(first.topics().length).toBeGreaterThan(0);
    lines.length = 0;
    await start();
    const warning = lines.find((l) => l.level === 'warn' && /already has \d+ member/.test(l.message));
    expect(warning?.message).toContain(`consumer group ${env.topics.prefix}.monitor already has`);
    expect(warning?.message).toMatch(/must share one database/);
  });
});
