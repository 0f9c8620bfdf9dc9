import type { AvroField } from '../schema-parts';

/** One line of an order. Money is integer cents, never floating point. */
export interface OrderLine {
  sku: string;
  /** Units ordered, > 0. */
  quantity: number;
  /** Price of one unit in cents. */
  unitPrice: number;
}

/** The `items` field of order messages: an array of `order.OrderLine`. */
export const orderLinesField: AvroField = {
  name: 'items',
  doc: 'The lines of the order',
  type: {
    type: 'array',
    items: {
      type: 'record',
      namespace: 'order',
      name: 'OrderLine',
      fields: [
        { name: 'sku', type: 'string' },
        { name: 'quantity', type: 'int', doc: 'Units, > 0' },
        { name: 'unitPrice', type: 'long', doc: 'Cents per unit' },
      ],
    },
  },
};
