import { defineMessage } from '@sagaflow/outbox-relay';
import { messageSchema } from '../schema-parts';
import { byOrderId, Topics } from '../topics';

/** The saga's last step: approve the order. Handled by the order service itself → OrderApproved. */
export interface ApproveOrder {
  orderId: string;
}
/** The `order.ApproveOrder` command. */
export const ApproveOrder = defineMessage<ApproveOrder>({
  topic: Topics.orderCommands,
  kind: 'command',
  key: byOrderId,
  schema: messageSchema(
    'order',
    'ApproveOrder',
    'Approve a PENDING order: the saga reserved stock and charged payment',
    [],
  ),
});
