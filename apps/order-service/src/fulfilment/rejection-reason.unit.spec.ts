import { describe, expect, it } from 'vitest';
import { rejectionReason } from './rejection-reason';

describe('rejectionReason', () => {
  it('keeps the participant’s words for a failed step', () => {
    expect(rejectionReason('Compensated', 'step "reserveStock" failed: out of stock: A (unknown SKU)')).toBe(
      'out of stock: A (unknown SKU)',
    );
  });
  it('says what was waited for on a step timeout', () => {
    expect(rejectionReason('Compensated', 'step "chargePayment" got no reply within 10000 ms')).toBe(
      'timed out waiting for payment (no reply within 10000 ms)',
    );
  });
  it('flags a failed compensation as needing attention', () => {
    expect(
      rejectionReason('Failed', 'compensation of step "chargePayment" was not confirmed after 3 attempts'),
    ).toMatch(/^compensation failed, needs attention: /);
  });
  it('passes anything else through, and copes with no reason', () => {
    expect(rejectionReason('Compensated', 'aborted by policy')).toBe('aborted by policy');
    expect(rejectionReason('Compensated', null)).toBe('no reason given');
  });
});
