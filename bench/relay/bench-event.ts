import { defineMessage, type MessageType } from '@sagaflow/outbox-relay';

/** A domain event of typical size (~150 bytes of Avro). */
export interface BenchEvent {
  orderId: string;
  seq: number;
  sku: string;
  quantity: number;
  note: string;
}

export function benchEventType(topic: string): MessageType<BenchEvent> {
  return defineMessage<BenchEvent>({
    topic,
    kind: 'event',
    key: (e) => e.orderId,
    schema: {
      type: 'record',
      namespace: `bench.${topic.replace(/[^a-zA-Z0-9]/g, '_')}`,
      name: 'StockReserved',
      fields: [
        { name: 'orderId', type: 'string' },
        { name: 'seq', type: 'int' },
        { name: 'sku', type: 'string' },
        { name: 'quantity', type: 'int' },
        { name: 'note', type: 'string' },
      ],
    },
  });
}

export function benchPayload(i: number): BenchEvent {
  return {
    orderId: `order-${i % 5000}`,
    seq: i,
    sku: `sku-${(i * 7) % 977}`,
    quantity: (i % 9) + 1,
    note: 'reserved in warehouse main for the order fulfilment saga, lot 4711',
  };
}
