import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the OS picks it), for processes that need a fixed one. */
export function freePort(): Promise<number> {
  return listenOnce(0);
}

/**
 * Throws when `port` is taken. A process started on a taken port would exit, but something else
 * answering `/health` there could pass for it: check first, and say which port.
 */
export async function assertPortFree(port: number, owner: string): Promise<void> {
  try {
    await listenOnce(port);
  } catch {
    throw new Error(`port ${port} for ${owner} is in use (another demo, docker-compose, or a test run?)`);
  }
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}
