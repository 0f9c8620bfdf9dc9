import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureTopics, newMessageId } from '@sagaflow/outbox-relay';
import { createDatabase, dropDatabase, uniqueDatabaseName, waitFor } from '@sagaflow/stack';
import { Pool } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningMonitor } from '../src/monitor';
import { launchChromium } from './support/browser';
import { buildUi } from './support/build-ui';
import { FlowTraffic, loyaltyTopic, type FakeCancellation } from './support/flow-traffic';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';
import { realSagaService, realSagaType } from './support/real-saga-service';
import { SagaTraffic, type FakeSaga } from './support/saga-traffic';

const output = resolve(__dirname, '../test-output');

describe('the web UI shows sagas live in a real browser', () => {
  const stack = inject('stack');
  const type = `Ui${newMessageId().slice(-8)}`;
  const tripType = `Trip${newMessageId().slice(-8)}`;
  const trip = SagaTraffic.saga(tripType);
  let env: MonitorEnv;
  let traffic: SagaTraffic;
  let monitor: RunningMonitor;
  let browser: Browser;
  let page: Page;
  let saga: FakeSaga;
  let poisoned: FakeSaga;
  let cancelled: FakeCancellation;
  let stalled: FakeCancellation;
  let running: FakeSaga;
  const operatorToken = `operate-${newMessageId()}`;
  let uiDir: string;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    mkdirSync(output, { recursive: true });
    uiDir = await buildUi(resolve(output, 'ui-build'));
    env = await createMonitorEnv(stack, 'browser');
    traffic = new SagaTraffic(env.kafka, env.topics, stack.schemaRegistryUrl);
    await ensureTopics(env.kafka, [{ topic: loyaltyTopic(env.topics), numPartitions: 1 }]);
    // two cancellations from ten minutes ago: one finished (with an undeclared reaction), one where
    // payment never answered, so past the stall threshold
    const flows = new FlowTraffic(env.topics, stack.schemaRegistryUrl);
    const past = new Date(Date.now() - 600_000);
    const finished = await flows.cancellation(past, { undeclared: true });
    const stuck = await flows.cancellation(new Date(past.getTime() + 1000), { stallPayment: true });
    [cancelled, stalled] = [finished.flow, stuck.flow];
    await traffic.send([
      await traffic.definition(type),
      await traffic.parallelDefinition(tripType),
      ...(await traffic.parallelFailureRecords(trip)),
      ...(await flows.reactionsDefinitions()),
      ...finished.records,
      ...stuck.records,
    ]);
    // reads stay open (no MONITOR_TOKEN); operating needs the operator token
    monitor = await env.start({ MONITOR_UI_DIR: uiDir, MONITOR_OPERATOR_TOKEN: operatorToken });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await browser?.close();
    await traffic?.close();
    await env?.dispose();
  });

  it('lists a saga the moment its events are produced, without a reload', async () => {
    await page.goto(monitor.url);
    await page.getByTestId('live').filter({ hasText: 'live' }).waitFor({ timeout: 30_000 });
    saga = SagaTraffic.saga(type);
    poisoned = SagaTraffic.saga(type);
    await traffic.send([
      ...(await traffic.sagaRecords(saga, 'completed')),
      ...(await traffic.sagaRecords(poisoned, 'running')),
      await traffic.deadLetter(poisoned, 'POISON_MESSAGE', '[POISON_MESSAGE] unknown SKU SKU-404'),
    ]);
    const row = page.locator(`tr[data-saga-id="${saga.id}"]`);
    await row.locator('.badge.status-completed').waitFor({ timeout: 30_000 });
    const stuckRow = page.locator(`tr[data-saga-id="${poisoned.id}"].stuck`);
    await stuckRow.waitFor({ timeout: 30_000 });
    expect(await stuckRow.locator('td.problem').textContent()).toContain('POISON_MESSAGE');
    await page.screenshot({ path: resolve(output, 'monitor-list.png'), fullPage: true });
  });

  it('opens a saga: its diagram, lifecycle and timeline', async () => {
    await page.locator(`tr[data-saga-id="${saga.id}"]`).click();
    await page.getByTestId('saga-diagram').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('saga-status').textContent()).toBe('completed');
    expect(await page.locator('[data-step="reserveStock"]').getAttribute('data-forward')).toBe('done');
    expect(await page.locator('[data-step="chargePayment"]').getAttribute('data-forward')).toBe('done');
    await page
      .locator('[data-testid="timeline"] tr[data-message-type="payment.PaymentCharged"]')
      .waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="timeline"] tbody tr').count()).toBe(9);
    await page.screenshot({ path: resolve(output, 'monitor-saga-completed.png'), fullPage: true });
  });

  it('draws a parallel group as branches and a join: the failed branch, its siblings compensated', async () => {
    await page.goto(`${monitor.url}/sagas/${trip.id}`);
    await page.getByTestId('saga-diagram').waitFor({ timeout: 15_000 });
    await page.getByTestId('join-reserve').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('saga-status').textContent()).toBe('compensated');
    const group = page.locator('[data-group="reserve"]');
    expect(await group.getAttribute('data-joined')).toBe('false');
    expect(await group.locator('[data-step]').count()).toBe(3);
    const state = async (step: string) => {
      const node = page.locator(`[data-step="${step}"]`);
      return [await node.getAttribute('data-forward'), await node.getAttribute('data-back')];
    };
    expect(await state('car')).toEqual(['failed', 'not-needed']);
    expect(await state('hotel')).toEqual(['done', 'compensated']);
    expect(await state('flight')).toEqual(['done', 'compensated']);
    expect(await state('confirm')).toEqual(['pending', 'none']);
    await page.screenshot({ path: resolve(output, 'monitor-saga-parallel-failed.png'), fullPage: true });
  });

  it('shows where a stuck saga stopped and the dead letter that stopped it', async () => {
    await page.goto(`${monitor.url}/sagas/${poisoned.id}`);
    await page.getByTestId('saga-error').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('saga-error').textContent()).toContain(
      '[POISON_MESSAGE] unknown SKU SKU-404',
    );
    expect(await page.locator('[data-step="reserveStock"]').getAttribute('data-forward')).toBe('active');
    await page.getByTestId('here-marker').waitFor();
    await page.screenshot({ path: resolve(output, 'monitor-saga-stuck.png'), fullPage: true });
  });

  it('opens a choreographed cancellation from the flows list and sees its causation tree across services', async () => {
    await page.goto(monitor.url);
    await page.getByTestId('nav-flows').click();
    const row = page.locator(`tr[data-correlation-id="${cancelled.correlationId}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(
      await page.locator(`tr[data-correlation-id="${stalled.correlationId}"] .badge`).first().textContent(),
    ).toBe('stalled');
    await row.click();
    const tree = page.getByTestId('causation-tree');
    await tree.waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('flow-state').textContent()).toBe('settled');
    const nodes = tree.getByTestId('tree-node');
    await nodes.nth(4).waitFor();
    const drawn = await nodes.evaluateAll((els) =>
      els.map(
        (e) =>
          `${e.getAttribute('data-message-type')}@${e.getAttribute('data-source')}:${e.getAttribute('data-gap-ms')}`,
      ),
    );
    // depth-first, children in time order; the cancellation hangs under the refund that completed it
    expect(drawn).toEqual([
      'order.OrderCancellationRequested@order-service:',
      'inventory.StockRestocked@inventory-service:40',
      'loyalty.PointsRevoked@loyalty-service:55',
      'payment.PaymentRefundedForCancellation@payment-service:70',
      'order.OrderCancelled@order-service:25',
    ]);
    expect(await tree.locator('li li li [data-testid="tree-node"]').getAttribute('data-message-type')).toBe(
      'order.OrderCancelled',
    );
    await page.screenshot({ path: resolve(output, 'monitor-flow-cancelled.png'), fullPage: true });
  });

  it('shows a stalled flow with the missing reaction drawn under its trigger', async () => {
    await page.goto(`${monitor.url}/flows/${stalled.correlationId}`);
    await page.getByTestId('flow-missing').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('flow-missing').textContent()).toContain(
      'payment-service (PaymentMessageHandlers.onCancellation) has not reacted to order.OrderCancellationRequested',
    );
    const ghost = page.locator('[data-testid="missing-node"][data-service="payment-service"]');
    await ghost.waitFor();
    await page.screenshot({ path: resolve(output, 'monitor-flow-stalled.png'), fullPage: true });
  });

  it('draws the interaction graph with the undeclared edge and the declared cycle marked', async () => {
    await page.getByTestId('nav-graph').click();
    await page.getByTestId('interaction-graph').waitFor({ timeout: 15_000 });
    const undeclared = page.locator(
      '[data-edge="order-service→order.OrderCancellationRequested→loyalty-service"]',
    );
    expect(await undeclared.getAttribute('data-status')).toBe('observed-only');
    expect(
      await page
        .locator('[data-edge="inventory-service→inventory.StockRestocked→order-service"]')
        .getAttribute('data-status'),
    ).toBe('declared-only');
    expect(
      await page
        .locator('[data-edge="billing-service→billing.InvoiceIssued→ledger-service"]')
        .getAttribute('data-on-cycle'),
    ).toBe('true');
    expect(await page.getByTestId('undeclared').textContent()).toContain('loyalty-service');
    expect(await page.getByTestId('cycles').textContent()).toContain('ledger-service (Ledger.onInvoice)');
    // at a glance: no edge label drawn over another, and everything inside the drawing (measured by Chromium)
    const boxes = await page.getByTestId('edge-label').evaluateAll((els) =>
      els.map((e) => {
        const b = (e as SVGGraphicsElement).getBBox();
        return { x: b.x, y: b.y, w: b.width, h: b.height, text: e.textContent };
      }),
    );
    const svg = await page.getByTestId('interaction-graph').evaluate((e) => {
      const v = (e as SVGSVGElement).viewBox.baseVal;
      return { w: v.width, h: v.height };
    });
    for (const [i, a] of boxes.entries()) {
      expect(a.x >= 0 && a.y >= 0 && a.x + a.w <= svg.w && a.y + a.h <= svg.h, `${a.text} inside`).toBe(true);
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        expect(apart, `"${a.text}" and "${b.text}" overlap`).toBe(true);
      }
    }
    await page.screenshot({ path: resolve(output, 'monitor-graph.png'), fullPage: true });
  });

  it('refuses an operator action without the operator token, and says why', async () => {
    await page.goto(`${monitor.url}/sagas/${poisoned.id}`);
    await page.getByTestId('action-retry').first().click();
    await page.getByTestId('action-reason').fill('SKU-404 is in the catalogue now');
    await page.getByTestId('action-operator').fill('alice');
    await page.getByTestId('action-token').fill('');
    await page.getByTestId('action-submit').click();
    await page.getByTestId('action-error').waitFor({ timeout: 15_000 });
    // reads are open in this suite, so a request without the operator token may read, not operate
    expect(await page.getByTestId('action-error').textContent()).toMatch(
      /^403: this request may read, not operate/,
    );
    await page.getByTestId('action-token').fill('not-the-operator-token');
    await page.getByTestId('action-submit').click();
    await page.getByTestId('action-submit').filter({ hasText: 'Confirm' }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('action-error').textContent()).toMatch(/^403: /);
    expect(await page.getByTestId('timeline-action').count()).toBe(0);
  });

  it("retries a dead-lettered record and shows it in the timeline with the operator's reason", async () => {
    await page.getByTestId('action-token').fill(operatorToken);
    await page.getByTestId('action-submit').click();
    const row = page.locator('[data-testid="timeline-action"][data-action="retry-dead-letter"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getByTestId('action-reason-text').textContent()).toContain(
      'SKU-404 is in the catalogue now',
    );
    expect(await row.getByTestId('action-outcome').textContent()).toBe('done');
    expect(await page.getByTestId('dead-letter-handled').textContent()).toContain('retried by alice');
    // the record itself comes back on the original topic (a plain command pushes no live update: re-read)
    const retried = page.locator(
      '[data-testid="timeline"] tr[data-message-type="inventory.ReserveStock"]:not(.dlt)',
    );
    await waitFor(
      async () => {
        await page.reload();
        await page.getByTestId('timeline').waitFor();
        return (await retried.count()) === 2;
      },
      { timeoutMs: 30_000, intervalMs: 500, description: 'the retried record in the timeline' },
    );
    await page.screenshot({ path: resolve(output, 'monitor-saga-retried.png'), fullPage: true });
  });

  it('cancels a running saga: the action is pending until its service answers', async () => {
    running = SagaTraffic.saga(type);
    await traffic.send(await traffic.sagaRecords(running, 'running'));
    await page.goto(`${monitor.url}/sagas/${running.id}`);
    await page.getByTestId('action-cancel').click({ timeout: 30_000 });
    await page.getByTestId('action-reason').fill('customer called to cancel');
    await page.getByTestId('action-submit').click();
    const row = page.locator('[data-testid="timeline-action"][data-action="cancel"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getByTestId('action-outcome').textContent()).toBe('pending');
    expect(await row.getByTestId('action-reason-text').textContent()).toContain('customer called to cancel');
    await page.screenshot({ path: resolve(output, 'monitor-saga-cancel-pending.png'), fullPage: true });
  });
  it("cancels a running saga of a real service: its steps are compensated in the timeline with the operator's reason", async () => {
    // A saga-core service writes its lifecycle and definitions to the framework's own topics, which carry
    // no prefix (docs/decisions/0076): a second monitor reads those, and this suite's service topics.
    const prefix = `${env.topics.prefix}.real`;
    const service = `ui-orders-${newMessageId().slice(-8)}`;
    const serviceDbName = uniqueDatabaseName('monitor_ui_service');
    const monitorDbName = uniqueDatabaseName('monitor_ui_real');
    const serviceDb = await createDatabase(stack.databaseUrl, serviceDbName);
    const monitorDb = await createDatabase(stack.databaseUrl, monitorDbName);
    cleanups.push(() => dropDatabase(stack.databaseUrl, serviceDbName));
    cleanups.push(() => dropDatabase(stack.databaseUrl, monitorDbName));
    const real = realSagaService({
      prefix,
      service,
      databaseUrl: serviceDb,
      brokers: stack.kafkaBrokers,
      registryUrl: stack.schemaRegistryUrl,
    });
    const framework = await env.start({
      DATABASE_URL: monitorDb,
      MONITOR_GROUP_ID: `${prefix}.monitor`,
      MONITOR_LIFECYCLE_TOPIC: 'sagaflow.lifecycle',
      MONITOR_DEFINITIONS_TOPIC: 'sagaflow.definitions',
      MONITOR_TOPIC_PATTERN: `^(?:sagaflow\\.lifecycle|sagaflow\\.definitions|${prefix.replace(/[.-]/g, '\\$&')}\\..*)$`,
      MONITOR_UI_DIR: uiDir,
      MONITOR_OPERATOR_TOKEN: operatorToken,
    });
    cleanups.push(() => framework.stop());
    await real.start();
    cleanups.push(() => real.runtime.stop());
    const topics = await suiteTopics(prefix);
    cleanups.push(() => deleteTopics([...topics, `sagaflow.${service}.operator`]));

    const orderId = `ui-${newMessageId().slice(-8)}`;
    await real.placeOrder(orderId);
    const db = new Pool({ connectionString: serviceDb, max: 1 });
    cleanups.push(() => db.end());
    const sagaId = await waitFor(
      async () => {
        const { rows } = await db.query<{ id: string; steps: Record<string, { status: string }> }>(
          `select id, steps from sagaflow.saga_instance where type = $1 and correlation_key = $2`,
          [realSagaType, orderId],
        );
        return rows[0]?.steps.scheduleShipment?.status === 'STARTED' ? rows[0].id : undefined;
      },
      { timeoutMs: 30_000, description: 'the real saga to wait for its shipment' },
    );

    await page.goto(`${framework.url}/sagas/${sagaId}`);
    await waitFor(
      async () => {
        await page.reload();
        await page
          .getByTestId('saga-page')
          .waitFor({ timeout: 10_000 })
          .catch(() => undefined);
        return (
          (await page
            .getByTestId('saga-status')
            .textContent()
            .catch(() => null)) === 'running'
        );
      },
      { timeoutMs: 120_000, intervalMs: 1000, description: 'the monitor to show the real saga running' },
    );
    await page.getByTestId('action-cancel').click({ timeout: 30_000 });
    await page.getByTestId('action-reason').fill('customer called to cancel');
    await page.getByTestId('action-operator').fill('alice');
    await page.getByTestId('action-token').fill(operatorToken);
    await page.getByTestId('action-submit').click();
    const row = page.locator('[data-testid="timeline-action"][data-action="cancel"]');
    await waitFor(
      async () => {
        await page.reload();
        await page.getByTestId('saga-status').waitFor({ timeout: 10_000 });
        return (
          (await page.getByTestId('saga-status').textContent()) === 'compensated' &&
          (await row.getByTestId('action-outcome').textContent()) === 'applied'
        );
      },
      { timeoutMs: 60_000, intervalMs: 1000, description: 'the cancelled saga to show compensated' },
    );
    expect(await row.getByTestId('action-reason-text').textContent()).toContain('customer called to cancel');
    // the two completed steps are undone; the shipment in flight was never done, so nothing undoes it
    for (const step of ['reserveStock', 'chargePayment'])
      expect(await page.locator(`[data-step="${step}"]`).getAttribute('data-back'), step).toBe('compensated');
    const lifecycle = (await page.locator('table.compact').first().innerText()).split('\n');
    const reason = 'cancelled by alice: customer called to cancel';
    expect(lifecycle.filter((l) => l.includes('StepCompensated'))).toHaveLength(2);
    expect(lifecycle.find((l) => l.includes('Compensating'))).toContain(reason);
    expect(lifecycle.find((l) => l.includes('Compensated') && !l.includes('Step'))).toContain(reason);
    await page.screenshot({ path: resolve(output, 'monitor-saga-cancelled.png'), fullPage: true });
  }, 240_000);

  /** The topics under `prefix` (the real service's). */
  async function suiteTopics(prefix: string): Promise<string[]> {
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    } finally {
      await admin.disconnect();
    }
  }

  async function deleteTopics(topics: string[]): Promise<void> {
    const admin = env.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
});
