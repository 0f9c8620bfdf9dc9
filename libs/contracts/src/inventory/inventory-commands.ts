import { defineMessage } from '@sagaflow/outbox-relay';
import { messageSchema, stockLinesField, type StockLine } from '../schema-parts';
import { byOrderId, Topics } from '../topics';

/** Reserve every line of an order, all or nothing → StockReserved | StockRejected. Idempotent per order. */
export interface ReserveStock {
  orderId: string;
  items: StockLine[];
}
/** The `inventory.ReserveStock` command. */
export const ReserveStock = defineMessage<ReserveStock>({
  topic: Topics.inventoryCommands,
  kind: 'command',
  key: byOrderId,
  schema: messageSchema('inventory', 'ReserveStock', "Reserve all of an order's lines or none", [
    stockLinesField('items', 'What to reserve'),
  ]),
});

/** Compensation of ReserveStock: put an order's reservation back → StockReleased (always, even if nothing was reserved). */
export interface ReleaseStock {
  orderId: string;
}
/** The `inventory.ReleaseStock` command. */
export const ReleaseStock = defineMessage<ReleaseStock>({
  topic: Topics.inventoryCommands,
  kind: 'command',
  key: byOrderId,
  schema: messageSchema(
    'inventory',
    'ReleaseStock',
    "Release an order's reservation; confirmed even when nothing was reserved",
    [],
  ),
});
