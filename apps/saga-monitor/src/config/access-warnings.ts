import type { MonitorConfig } from './monitor-config';

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** An address to reach a server bound to `host` from this machine. */
export function loopbackOrHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || isLoopback(host)) return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * What the monitor says at start about who can reach it: an API open to the network with no token, and
 * whether operator actions are on.
 */
export function accessWarnings(config: Pick<MonitorConfig, 'host' | 'token' | 'operatorToken'>): string[] {
  const warnings: string[] = [];
  if (!isLoopback(config.host) && config.token === undefined)
    warnings.push(
      `the API is open: it listens on ${config.host} and MONITOR_TOKEN is not set, so anyone who reaches this port reads every saga, payloads included`,
    );
  else if (config.token === undefined)
    warnings.push(
      `the API is open to this machine: MONITOR_TOKEN is not set (it listens on ${config.host} only)`,
    );
  if (config.operatorToken !== undefined)
    warnings.push(
      'operator actions are on (MONITOR_OPERATOR_TOKEN is set): holders of that token can retry, discard, resume and cancel',
    );
  return warnings;
}
