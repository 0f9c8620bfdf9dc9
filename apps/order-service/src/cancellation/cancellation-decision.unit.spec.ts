import { describe, expect, it } from 'vitest';
import {
  decideCancelRequest,
  decideCancellationAnswer,
  type CancellationState,
} from './cancellation-decision';

const requested: CancellationState = Object.freeze({
  orderId: 'o-1',
  status: 'CANCELLATION_REQUESTED',
  customerId: 'c-1',
  stock: null,
  payment: null,
});

describe('decideCancelRequest', () => {
  it('an APPROVED order can be cancelled; an unknown one is 404', () => {
    expect(decideCancelRequest('o-1', { status: 'APPROVED' })).toEqual({ ok: true });
    expect(decideCancelRequest('o-1', undefined)).toEqual({
      ok: false,
      httpStatus: 404,
      message: 'no order o-1',
    });
  });

  it.each([
    ['PENDING', 'its saga has not decided yet'],
    ['REJECTED', 'it was rejected'],
    ['CANCELLATION_REQUESTED', 'its cancellation is already under way'],
    ['CANCELLED', 'it is already cancelled'],
  ] as const)('a %s order is a 409 naming the status and why', (status, why) => {
    const d = decideCancelRequest('o-1', { status });
    expect(d).toMatchObject({ ok: false, httpStatus: 409 });
    expect(!d.ok && d.message).toContain(`order o-1 is ${status} and cannot be cancelled: ${why}`);
  });
});

describe('decideCancellationAnswer', () => {
  it('the first answer is recorded and waits; the second completes: CANCELLED, both undone, no notes', () => {
    expect(decideCancellationAnswer(requested, { part: 'stock', done: true, note: null })).toEqual({
      kind: 'record',
      complete: null,
    });
    const after = { ...requested, stock: { done: true, note: null } };
    expect(
      decideCancellationAnswer(after, { part: 'payment', done: true, note: null, refundedAmount: 700 }),
    ).toEqual({
      kind: 'record',
      complete: {
        event: { orderId: 'o-1', customerId: 'c-1', stockRestocked: true, paymentRefunded: true, notes: [] },
        reason: null,
      },
    });
  });

  it('a refusal still completes the cancellation, and the order says what could not be undone', () => {
    const after = { ...requested, payment: { done: true, note: null } };
    const d = decideCancellationAnswer(after, {
      part: 'stock',
      done: false,
      note: 'inventory holds no reservation for order o-1',
    });
    expect(d).toEqual({
      kind: 'record',
      complete: {
        event: {
          orderId: 'o-1',
          customerId: 'c-1',
          stockRestocked: false,
          paymentRefunded: true,
          notes: ['stock not restocked: inventory holds no reservation for order o-1'],
        },
        reason: 'cancelled, but stock not restocked: inventory holds no reservation for order o-1',
      },
    });
  });

  it('an answer recorded already (re-sent with a new message-id) changes nothing', () => {
    const after = { ...requested, payment: { done: false, note: 'order o-1 was already refunded' } };
    expect(decideCancellationAnswer(after, { part: 'payment', done: true, note: null })).toEqual({
      kind: 'ignore',
      why: 'the payment answer is recorded already',
    });
  });

  it('an answer for an order with no cancellation changes nothing', () => {
    const approved = { ...requested, status: 'APPROVED' as const, stock: undefined, payment: undefined };
    expect(decideCancellationAnswer(approved, { part: 'stock', done: true, note: null })).toEqual({
      kind: 'ignore',
      why: 'no cancellation was requested (order is APPROVED)',
    });
  });
});
