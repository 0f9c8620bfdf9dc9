import { request } from 'node:http';

/**
 * Whether a Docker engine answers `GET /_ping` on DOCKER_HOST (unix or tcp) or /var/run/docker.sock.
 * A client binary alone does not count.
 */
export function dockerEngineAnswers(timeoutMs = 1_000): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  const target =
    host && host.startsWith('tcp://')
      ? {
          host: new URL(host.replace('tcp://', 'http://')).hostname,
          port: Number(new URL(host.replace('tcp://', 'http://')).port || 2375),
        }
      : { socketPath: host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock' };
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}
