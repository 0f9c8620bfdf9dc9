import { defineMessage } from '@sagaflow/outbox-relay';
import { messageSchema, stockLinesField, type StockLine } from '../schema-parts';
import { byOrderId, Topics } from '../topics';

/** Every line of the order is reserved. */
export interface StockReserved {
  orderId: string;
  items: StockLine[];
}
/** The `inventory.StockReserved` event. */
export const StockReserved = defineMessage<StockReserved>({
  topic: Topics.inventoryEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema('inventory', 'StockReserved', 'Every line of the order is reserved', [
    stockLinesField('items', 'What was reserved'),
  ]),
});

/** One SKU that could not be reserved. */
export interface StockShortage {
  sku: string;
  requested: number;
  /** Units available when the order was checked (0 for an unknown SKU). */
  available: number;
}

/** Nothing was reserved: at least one line could not be. */
export interface StockRejected {
  orderId: string;
  /** Why, e.g. "out of stock: SKU-1 (requested 3, available 1)". */
  reason: string;
  /** The lines that were short; empty when the reason is not a shortage. */
  shortages: StockShortage[];
}
/** The `inventory.StockRejected` event. */
export const StockRejected = defineMessage<StockRejected>({
  topic: Topics.inventoryEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema(
    'inventory',
    'StockRejected',
    'Nothing was reserved: at least one line could not be',
    [
      { name: 'reason', type: 'string' },
      {
        name: 'shortages',
        doc: 'The lines that were short',
        type: {
          type: 'array',
          items: {
            type: 'record',
            name: 'StockShortage',
            fields: [
              { name: 'sku', type: 'string' },
              { name: 'requested', type: 'int' },
              { name: 'available', type: 'int' },
            ],
          },
        },
      },
    ],
  ),
});

/** The order's reservation is released (compensation confirmed); `items` is empty when nothing was held. */
export interface StockReleased {
  orderId: string;
  items: StockLine[];
}
/** The `inventory.StockReleased` event. */
export const StockReleased = defineMessage<StockReleased>({
  topic: Topics.inventoryEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema(
    'inventory',
    'StockReleased',
    "The order's reservation is released; empty when nothing was held",
    [stockLinesField('items', 'What went back to available stock')],
  ),
});

/** Choreography: a cancelled order's stock went back on the shelf. */
export interface StockRestocked {
  orderId: string;
  items: StockLine[];
}
/** The `inventory.StockRestocked` event. */
export const StockRestocked = defineMessage<StockRestocked>({
  topic: Topics.inventoryEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema(
    'inventory',
    'StockRestocked',
    "A cancelled order's stock went back to available stock",
    [stockLinesField('items', 'What went back')],
  ),
});

/** Choreography: a cancelled order's stock could not be restocked, and why (e.g. nothing was reserved). */
export interface StockRestockRefused {
  orderId: string;
  reason: string;
}
/** The `inventory.StockRestockRefused` event. */
export const StockRestockRefused = defineMessage<StockRestockRefused>({
  topic: Topics.inventoryEvents,
  kind: 'event',
  key: byOrderId,
  schema: messageSchema(
    'inventory',
    'StockRestockRefused',
    "A cancelled order's stock could not be restocked",
    [{ name: 'reason', type: 'string' }],
  ),
});
