import { newMessageId } from '@sagaflow/outbox-relay';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningMonitor } from '../src/monitor';
import { get } from './support/http';
import { createMonitorEnv, type MonitorEnv } from './support/monitor-env';

async function post(url: string, body: unknown, authorization?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as { error?: { message: string; parameter?: string } },
  };
}

const cancel = { action: 'cancel', reason: 'customer asked', operator: 'alice' };

describe('reading and operating are separate tokens; operating is off unless configured', () => {
  const stack = inject('stack');
  const readToken = `read-${newMessageId()}`;
  const operatorToken = `operate-${newMessageId()}`;
  let env: MonitorEnv;
  let readOnly: RunningMonitor;
  let operated: RunningMonitor;

  beforeAll(async () => {
    env = await createMonitorEnv(stack, 'access');
    readOnly = await env.start();
    operated = await env.start({ MONITOR_TOKEN: readToken, MONITOR_OPERATOR_TOKEN: operatorToken });
  });
  afterAll(async () => {
    await env?.dispose();
  });

  it('binds 127.0.0.1 unless MONITOR_HOST says otherwise', async () => {
    expect(new URL(readOnly.url).hostname).toBe('127.0.0.1');
    const port = new URL(readOnly.url).port;
    // the same port on a non-loopback address of this machine is not served (if the machine has one)
    const { networkInterfaces } = await import('node:os');
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (external) await expect(fetch(`http://${external}:${port}/health`)).rejects.toThrow();
  });

  it('refuses every action with 403 when no operator token is configured, whatever is presented', async () => {
    const r = await post(`${readOnly.url}/api/sagas/s-1/actions`, cancel, `Bearer ${operatorToken}`);
    expect(r.status).toBe(403);
    expect(r.body.error?.message).toMatch(/MONITOR_OPERATOR_TOKEN/);
    expect((await post(`${readOnly.url}/api/sagas/s-1/actions`, cancel)).status).toBe(403);
  });

  it('refuses an action without a token (401) and with the read token (403)', async () => {
    expect((await post(`${operated.url}/api/sagas/s-1/actions`, cancel)).status).toBe(401);
    expect((await post(`${operated.url}/api/sagas/s-1/actions`, cancel, 'Bearer not-a-token')).status).toBe(
      401,
    );
    const read = await post(`${operated.url}/api/sagas/s-1/actions`, cancel, `Bearer ${readToken}`);
    expect(read.status).toBe(403);
    expect(read.body.error?.message).toMatch(/may read, not operate/);
    // the operator token never counts from the query string
    const inQuery = await post(`${operated.url}/api/sagas/s-1/actions?access_token=${operatorToken}`, cancel);
    expect(inQuery.status).toBe(401);
  });

  it('validates the action body and names the field', async () => {
    const auth = `bearer ${operatorToken}`;
    const noReason = await post(
      `${operated.url}/api/sagas/s-1/actions`,
      { action: 'cancel', operator: 'a' },
      auth,
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body.error?.parameter).toBe('reason');
    const unknown = await post(
      `${operated.url}/api/sagas/s-1/actions`,
      { ...cancel, action: 'explode' },
      auth,
    );
    expect(unknown.status).toBe(400);
    const extra = await post(`${operated.url}/api/sagas/s-1/actions`, { ...cancel, force: true }, auth);
    expect(extra.status).toBe(400);
  });

  it('matches Bearer case-insensitively and lets the operator token read too', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await fetch(`${operated.url}/api/sagas`, {
        headers: { authorization: `${scheme} ${readToken}` },
      });
      expect(res.status).toBe(200);
    }
    expect((await get(`${operated.url}/api/sagas`, operatorToken)).status).toBe(200);
    expect((await get(`${operated.url}/api/sagas`)).status).toBe(401);
  });

  it('answers a malformed %-escape with 400, not 500', async () => {
    for (const path of ['/api/sagas/%E0%A4%A', '/api/flows/%zz', '/api/sagas/%/actions']) {
      const res = await fetch(`${operated.url}${path}`, {
        method: path.endsWith('actions') ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
        body: path.endsWith('actions') ? JSON.stringify(cancel) : undefined,
      });
      expect(res.status, path).toBe(400);
    }
  });
});
