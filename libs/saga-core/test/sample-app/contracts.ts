import { defineMessage, type AnyMessageType } from '@sagaflow/outbox-relay';

/** Message shapes of the sample: an order saga over three participant steps. */
export interface OrderPlaced {
  orderId: string;
  amount: number;
  /** Tells the participant how to behave: ok, fail-reserve, fail-charge, fail-ship, silent-charge, late-charge, outage-ship, refused-ship, throw-ship, poison-saga, slow. */
  scenario: string;
}
export interface OrderCommand {
  orderId: string;
  amount: number;
  scenario: string;
}
export interface OrderReply {
  orderId: string;
  amount: number;
  reason: string | null;
}

const str = (name: string) => ({ name, type: 'string' });
const commandFields = [str('orderId'), { name: 'amount', type: 'int' }, str('scenario')];
const replyFields = [
  str('orderId'),
  { name: 'amount', type: 'int' },
  { name: 'reason', type: ['null', 'string'], default: null },
];

/**
 * The sample's message types on topics under `prefix`, so suites sharing a broker never see each other's
 * records: `<prefix>.orders.events`, `<prefix>.participant.commands`, `<prefix>.participant.events`.
 */
export function createContracts(prefix: string) {
  const ns = prefix.replace(/[^A-Za-z0-9_]/g, '_');
  const event = <T>(name: string, topic: string, fields: object[]) =>
    defineMessage<T>({
      topic,
      kind: 'event',
      key: (m) => (m as { orderId: string }).orderId,
      schema: { type: 'record', namespace: ns, name, fields: fields as never },
    });
  const command = <T>(name: string) =>
    defineMessage<T>({
      topic: `${prefix}.participant.commands`,
      kind: 'command',
      key: (m) => (m as { orderId: string }).orderId,
      schema: { type: 'record', namespace: ns, name, fields: commandFields as never },
    });
  const reply = (name: string) => event<OrderReply>(name, `${prefix}.participant.events`, replyFields);
  const c = {
    OrderPlaced: event<OrderPlaced>('OrderPlaced', `${prefix}.orders.events`, commandFields),
    ReserveStock: command<OrderCommand>('ReserveStock'),
    ReleaseStock: command<OrderCommand>('ReleaseStock'),
    ChargePayment: command<OrderCommand>('ChargePayment'),
    RefundPayment: command<OrderCommand>('RefundPayment'),
    ScheduleShipment: command<OrderCommand>('ScheduleShipment'),
    StockReserved: reply('StockReserved'),
    StockReservationFailed: reply('StockReservationFailed'),
    StockReleased: reply('StockReleased'),
    PaymentCharged: reply('PaymentCharged'),
    PaymentFailed: reply('PaymentFailed'),
    PaymentRefunded: reply('PaymentRefunded'),
    ShipmentScheduled: reply('ShipmentScheduled'),
    ShipmentFailed: reply('ShipmentFailed'),
  };
  return { ...c, all: Object.values(c) as AnyMessageType[], prefix };
}

/** The sample's contracts. */
export type Contracts = ReturnType<typeof createContracts>;
