import type { AvroRecordSchema } from '@sagaflow/outbox-relay';

/** An Avro field as the schemas here declare it. */
export type AvroField = AvroRecordSchema['fields'][number];

/** The aggregate id every demo message carries and is keyed by. */
export const orderIdField: AvroField = {
  name: 'orderId',
  type: 'string',
  doc: 'The order this message is about; the Kafka key',
};

/** A nullable string (Avro union with null first, so `default: null` is allowed and evolution stays BACKWARD-compatible). */
export const optionalString = (name: string, doc: string): AvroField => ({
  name,
  type: ['null', 'string'],
  default: null,
  doc,
});

/**
 * The record schema of one message: `orderId` first, then `fields`.
 * @param namespace the owning service (`order`, `inventory`, `payment`)
 */
export function messageSchema(
  namespace: string,
  name: string,
  doc: string,
  fields: AvroField[],
): AvroRecordSchema {
  return { type: 'record', namespace, name, doc, fields: [orderIdField, ...fields] };
}

/**
 * An array of `{ sku, quantity }` lines. Avro names a record once per schema, so the first use in a
 * schema defines `inventory.StockLine` and any later one refers to it by name.
 */
export function stockLinesField(name: string, doc: string, firstUse = true): AvroField {
  const items = firstUse
    ? {
        type: 'record',
        namespace: 'inventory',
        name: 'StockLine',
        fields: [
          { name: 'sku', type: 'string' },
          { name: 'quantity', type: 'int', doc: 'Units, > 0' },
        ],
      }
    : 'inventory.StockLine';
  return { name, type: { type: 'array', items }, doc };
}

/** One `{ sku, quantity }` line of stock. */
export interface StockLine {
  sku: string;
  quantity: number;
}
