import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { newMessageId } from '@sagaflow/outbox-relay';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningMonitor } from '../src/monitor';
import { launchChromium } from './support/browser';
import { buildUi } from './support/build-ui';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';
import { SagaTraffic, type FakeSaga } from './support/saga-traffic';

const output = resolve(__dirname, '../test-output');

describe('the web UI shows sagas live in a real browser', () => {
  const stack = inject('stack');
  const type = `Ui${newMessageId().slice(-8)}`;
  let env: MonitorEnv;
  let traffic: SagaTraffic;
  let monitor: RunningMonitor;
  let browser: Browser;
  let page: Page;
  let saga: FakeSaga;
  let poisoned: FakeSaga;

  beforeAll(async () => {
    mkdirSync(output, { recursive: true });
    const uiDir = await buildUi(resolve(output, 'ui-build'));
    env = await createMonitorEnv(stack, 'browser');
    traffic = new SagaTraffic(env.kafka, env.topics, stack.schemaRegistryUrl);
    await traffic.send([await traffic.definition(type)]);
    monitor = await env.start({ MONITOR_UI_DIR: uiDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
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
});
