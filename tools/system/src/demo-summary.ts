import type { OrderLatency, OrderTally } from './system-ledger';

/** The demo's closing table: orders per outcome, rejections per reason, and whether the invariants held. */
export function formatSummary(input: {
  orders: number;
  seconds: number;
  tally: OrderTally;
  violations: readonly string[];
  /** Of the orders placed at the offered rate (the timeout scene's excluded). */
  latency: OrderLatency;
  /** Orders the timeout scene made time out on purpose. */
  injectedTimeouts: number;
}): string {
  const row = (label: string, n: number | undefined) => `  ${label.padEnd(44)}${String(n ?? 0).padStart(6)}`;
  const lines = [
    `${input.orders} orders placed; every saga ended in ${input.seconds.toFixed(1)} s`,
    row('APPROVED', input.tally.byStatus.APPROVED),
    row('REJECTED', input.tally.byStatus.REJECTED),
    ...Object.entries(input.tally.rejectedByReason)
      .sort(([, a], [, b]) => b - a)
      .map(([reason, n]) => row(`  ${reason}`, n)),
    ...Object.entries(input.tally.byStatus)
      .filter(([status]) => status !== 'APPROVED' && status !== 'REJECTED')
      .map(([status, n]) => row(status, n)),
    `  created → terminal over ${input.latency.orders} orders: p50 ${ms(input.latency.p50Ms)}, p99 ${ms(input.latency.p99Ms)}`,
    `  timeouts: ${input.injectedTimeouts} injected by the SIGSTOP scene, ${input.latency.timeouts} other${input.latency.timeouts === 1 ? '' : 's'}${input.latency.timeouts > 0 ? ' (the system did not keep up: see the step timeouts)' : ''}`,
    input.violations.length === 0
      ? '  invariants hold: stock conserved, reserved = approved units, charged − refunded = approved totals, none PENDING'
      : `  INVARIANTS VIOLATED:\n${input.violations.map((v) => `    - ${v}`).join('\n')}`,
  ];
  return lines.join('\n');
}

/** Where to look while the demo runs: each process's API, health, metrics, and the monitor's UI. */
export function formatUrls(urls: Partial<Record<string, string>>, logDir: string): string {
  const lines = ['Look at:'];
  const paths: Record<string, string> = {
    'order-service': 'GET /orders/:id',
    'inventory-service': 'GET /stock/:sku',
    'payment-service': 'GET /accounts/:customerId',
  };
  for (const [name, url] of Object.entries(urls)) {
    if (!url) continue;
    if (name === 'saga-monitor') {
      lines.push(`  ${'saga monitor UI'.padEnd(18)} ${url}/`);
      lines.push(`  ${''.padEnd(18)} ${url}/api/sagas  ${url}/health  ${url}/metrics`);
    } else {
      lines.push(`  ${name.padEnd(18)} ${url}  (${paths[name]})`);
      lines.push(`  ${''.padEnd(18)} ${url}/health  ${url}/metrics`);
    }
  }
  if (!urls['saga-monitor']) lines.push('  (saga monitor not running: build apps/saga-monitor to add it)');
  lines.push(
    `  logs               ${logDir}/<service>.log (one JSON line per event, with correlationId = orderId)`,
  );
  return lines.join('\n');
}

function ms(v: number): string {
  return Number.isNaN(v) ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
}
