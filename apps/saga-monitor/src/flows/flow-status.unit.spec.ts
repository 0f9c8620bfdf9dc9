import { describe, expect, it } from 'vitest';
import { cancellation, cancellationReactions, msg, t0 } from '../../test/support/flow-fixtures';
import { evaluateFlow } from './flow-status';

const at = (ms: number) => new Date(t0 + ms);
const stall = 30_000;

describe('evaluateFlow', () => {
  it('settles a cancellation where every declared reaction happened, the join included', () => {
    // the order service answered StockRestocked only with OrderCancelled, caused by the refund
    expect(evaluateFlow(cancellation, cancellationReactions, at(60_000), stall)).toEqual({
      state: 'settled',
      missing: [],
      pending: [],
    });
  });

  it('waits, then stalls, naming the missing reaction with the oldest trigger first', () => {
    const noPayment = cancellation.slice(0, 2);
    const early = evaluateFlow(noPayment, cancellationReactions, at(10_000), stall);
    expect(early.state).toBe('waiting');
    expect(early.pending.map((m) => m.service)).toEqual(['payment-service', 'order-service']);

    const late = evaluateFlow(noPayment, cancellationReactions, at(31_000), stall);
    expect(late.state).toBe('stalled');
    expect(late.missing[0]).toEqual({
      service: 'payment-service',
      handler: 'PaymentMessageHandlers.onCancellation',
      consumes: 'order.OrderCancellationRequested',
      emits: ['payment.PaymentRefundedForCancellation', 'payment.PaymentRefundRefused'],
      triggerMessageId: 'm1',
      triggerAt: cancellation[0]!.at,
      waitedMs: 31_000,
      triggerDeadLettered: false,
    });
    // the order service is still waiting for the refund before it cancels: listed after the cause
    expect(late.missing.map((m) => m.handler)).toEqual([
      'PaymentMessageHandlers.onCancellation',
      'OrderMessageHandlers.onRestocked',
    ]);
  });

  it('counts a reaction caused by the trigger even when clocks put it earlier', () => {
    const skewed = [
      msg('m1', 'order.OrderCancellationRequested', 'order-service', 1000),
      msg('m2', 'inventory.StockRestocked', 'inventory-service', 900, 'm1'),
    ];
    const s = evaluateFlow(skewed, cancellationReactions.slice(0, 1), at(60_000), stall);
    expect(s.state).toBe('settled');
  });

  it('awaits neither reactions that declare no emitted type, nor saga handlers, nor framework records', () => {
    const flow = [
      msg('m1', 'order.OrderCancellationRequested', 'order-service', 0),
      msg('l1', 'sagaflow.SagaTransition', 'order-service', 5, 'm1'),
    ];
    const s = evaluateFlow(
      flow,
      [
        { ...cancellationReactions[0]!, emits: null },
        { ...cancellationReactions[1]!, emits: [] },
        { ...cancellationReactions[0]!, from: 'saga' },
        {
          service: 'order-service',
          handler: 'OrderMessageHandlers.onSagaTransition',
          consumes: 'sagaflow.SagaTransition',
          kind: 'event',
          emits: ['order.OrderRejected'],
          from: 'reactions',
        },
      ],
      at(600_000),
      stall,
    );
    expect(s.state).toBe('settled');
  });

  it('says when the trigger was dead-lettered', () => {
    const flow = [
      msg('m1', 'order.OrderCancellationRequested', 'order-service', 0),
      msg('m1', 'order.OrderCancellationRequested', 'order-service', 10, null, { deadLetter: true }),
    ];
    const s = evaluateFlow(flow, cancellationReactions.slice(0, 1), at(60_000), stall);
    expect(s.missing[0]!.triggerDeadLettered).toBe(true);
  });
});
