/**
 * The reason shown to the customer for an order the saga did not approve, from the saga's lifecycle
 * record (its `reason` names the step: `step "reserveStock" failed: out of stock: …`).
 * @param transition `Compensated` or `Failed`
 */
export function rejectionReason(transition: 'Compensated' | 'Failed', reason: string | null): string {
  const raw = reason ?? 'no reason given';
  if (transition === 'Failed') return `compensation failed, needs attention: ${raw}`;
  const failed = /^step "[^"]+" failed: (.*)$/s.exec(raw);
  if (failed) return failed[1]!;
  const silent = /^step "([^"]+)" got no reply within (\d+) ms/.exec(raw);
  if (silent)
    return `timed out waiting for ${waitedFor[silent[1]!] ?? silent[1]} (no reply within ${silent[2]} ms)`;
  if (raw.startsWith('saga timed out')) return `timed out: ${raw}`;
  return raw;
}

const waitedFor: Record<string, string> = {
  reserveStock: 'inventory',
  chargePayment: 'payment',
  approveOrder: 'approval',
};
