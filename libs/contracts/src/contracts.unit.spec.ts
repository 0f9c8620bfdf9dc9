import { MessageCatalog, MessageValidationError } from '@sagaflow/outbox-relay';
import { describe, expect, it } from 'vitest';
import type { MessageType } from '@sagaflow/outbox-relay';
import { demoCatalog, inventoryCatalog, orderCatalog, paymentCatalog } from './catalog';
import * as contracts from './index';

const lines = [{ sku: 'SKU-1', quantity: 2 }];
const orderLines = [{ sku: 'SKU-1', quantity: 2, unitPrice: 1250 }];
const who = { orderId: 'o-1', customerId: 'c-1' };

/** One valid payload per message type, by full name. */
const samples: Record<string, unknown> = {
  'order.OrderPlaced': { ...who, items: orderLines, total: 2500 },
  'order.ApproveOrder': { orderId: 'o-1' },
  'order.OrderApproved': { ...who, total: 2500 },
  'order.OrderRejected': { ...who, reason: 'out of stock' },
  'order.OrderCancellationRequested': { ...who, reason: null },
  'order.OrderCancelled': {
    ...who,
    stockRestocked: true,
    paymentRefunded: false,
    notes: ['payment: already refunded'],
  },
  'inventory.ReserveStock': { orderId: 'o-1', items: lines },
  'inventory.ReleaseStock': { orderId: 'o-1' },
  'inventory.StockReserved': { orderId: 'o-1', items: lines },
  'inventory.StockRejected': {
    orderId: 'o-1',
    reason: 'out of stock',
    shortages: [{ sku: 'SKU-1', requested: 2, available: 1 }],
  },
  'inventory.StockReleased': { orderId: 'o-1', items: [] },
  'inventory.StockRestocked': { orderId: 'o-1', items: lines },
  'inventory.StockRestockRefused': { orderId: 'o-1', reason: 'nothing reserved' },
  'payment.ChargePayment': { ...who, amount: 2500 },
  'payment.RefundPayment': { ...who },
  'payment.PaymentCharged': { ...who, amount: 2500 },
  'payment.PaymentDeclined': { ...who, amount: 2500, reason: 'credit limit exceeded' },
  'payment.PaymentRefunded': { ...who, amount: 0 },
  'payment.PaymentRefundedForCancellation': { ...who, amount: 2500 },
  'payment.PaymentRefundRefused': { ...who, reason: 'already refunded' },
};

const each = demoCatalog.map((t) => [t.name, t] as const);

describe('demo contracts', () => {
  it('has a sample for every type, and every type in the catalog once', () => {
    expect(Object.keys(samples).sort()).toEqual(demoCatalog.map((t) => t.name).sort());
    expect(() => new MessageCatalog(demoCatalog)).not.toThrow();
  });

  it.each(each)('%s: namespace is the owning service, topic is <service>.<kind>s', (_name, type) => {
    expect(type.topic).toBe(`${type.schema.namespace}.${type.kind === 'event' ? 'events' : 'commands'}`);
    expect(type.schema.fields[0]?.name).toBe('orderId');
  });

  it.each(each)(
    '%s: a valid payload passes, round-trips through Avro and is keyed by orderId',
    (name, type) => {
      const payload = samples[name];
      expect(() => type.validate(payload)).not.toThrow();
      expect(type.avroType.fromBuffer(type.avroType.toBuffer(payload))).toEqual(payload);
      expect(type.key(payload)).toBe('o-1');
    },
  );

  it.each(each)('%s: validate() names the bad field', (name, type: MessageType) => {
    const payload = { ...(samples[name] as Record<string, unknown>), orderId: 42 };
    try {
      type.validate(payload);
      expect.unreachable('validate accepted a numeric orderId');
    } catch (e) {
      expect(e).toBeInstanceOf(MessageValidationError);
      expect((e as MessageValidationError).fields).toContain('orderId');
    }
  });

  it('names a nested field at fault', () => {
    const bad = { ...who, items: [{ sku: 'SKU-1', quantity: 1.5, unitPrice: 100 }], total: 150 };
    const type: MessageType = demoCatalog.find((t) => t.name === contracts.OrderPlaced.name)!;
    expect(() => type.validate(bad)).toThrow(/items\.0\.quantity/);
  });

  it('per-service catalogs hold what each service consumes and writes', () => {
    const names = (c: readonly MessageType[]) => c.map((t) => t.name);
    expect(names(inventoryCatalog)).toEqual(
      expect.arrayContaining([
        'inventory.ReserveStock',
        'inventory.ReleaseStock',
        'order.OrderCancellationRequested',
      ]),
    );
    expect(
      names(inventoryCatalog).every(
        (n) => n.startsWith('inventory.') || n === 'order.OrderCancellationRequested',
      ),
    ).toBe(true);
    expect(
      names(paymentCatalog).every(
        (n) => n.startsWith('payment.') || n === 'order.OrderCancellationRequested',
      ),
    ).toBe(true);
    expect(orderCatalog).toBe(demoCatalog);
  });
});
