import { createServer, type Server } from 'node:http';
import type { OutboxRelay } from '../relay/outbox-relay';

/** Serves `GET /metrics` (Prometheus text) and `GET /healthz` (`{"leader":bool}`) for a relay. */
export async function serveMetrics(relay: OutboxRelay, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      relay.metricsRegistry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': relay.metricsRegistry.contentType }).end(body),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    } else if (req.url === '/healthz') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ leader: relay.isLeader() }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(port, ok));
  return server;
}
