import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@sagaflow/stack';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveUpdates } from './live-updates';

describe('LiveUpdates', () => {
  let server: Server | undefined;
  let live: LiveUpdates | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    live?.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it('drops a client that stops reading instead of buffering for it without limit', async () => {
    const errors: unknown[] = [];
    live = new LiveUpdates(
      async () => ({ counts: {} }),
      (e) => errors.push(e),
      60_000,
      64 * 1024,
    );
    server = createServer((_req, res) => void live!.open(res));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const open = (read: boolean) => {
      const s = connect(port, '127.0.0.1', () => s.write('GET /api/stream HTTP/1.1\r\nhost: x\r\n\r\n'));
      sockets.push(s);
      if (read) s.on('data', () => undefined);
      else s.pause(); // a client that never reads: its window fills, then the server's buffer
      return s;
    };
    open(true);
    open(false);
    await waitFor(async () => live!.clientCount === 2, { timeoutMs: 5000, description: 'both streams open' });
    const chunk = `event: sagas\ndata: ${'x'.repeat(64 * 1024)}\n\n`;
    await waitFor(
      async () => {
        live!.broadcast(chunk);
        await new Promise((r) => setImmediate(r));
        return live!.clientCount === 1;
      },
      { timeoutMs: 20_000, intervalMs: 1, description: 'the slow client dropped' },
    );
    expect(String(errors[0])).toMatch(/dropped a live-update client/);
    // the reading client is still served
    live.broadcast(': still here\n\n');
    expect(live.clientCount).toBe(1);
  });
});
