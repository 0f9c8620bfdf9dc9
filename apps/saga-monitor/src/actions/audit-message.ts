import { defineMessage, type MessageType } from '@sagaflow/outbox-relay';

/** One operator action as recorded on the audit topic (`<prefix>sagaflow.audit`, key: saga id). */
export interface OperatorActionRecord {
  actionId: string;
  action: string;
  sagaId: string;
  sagaType: string;
  correlationId: string | null;
  operator: string;
  reason: string;
  /** ISO-8601. */
  requestedAt: string;
  /** pending | done | failed. */
  outcome: string;
  /** Where the action was sent: the original topic of a retried record, or the service's operator topic. */
  targetTopic: string | null;
  /** `topic/partition/offset` of the dead letter acted on. */
  deadLetter: string | null;
  error: string | null;
}

const cache = new Map<string, MessageType<OperatorActionRecord>>();

/** The `sagaflow.OperatorActionRecorded` type on `topic`. */
export function auditMessageType(topic: string): MessageType<OperatorActionRecord> {
  let type = cache.get(topic);
  if (!type) {
    const optional = (name: string) => ({ name, type: ['null', 'string'], default: null });
    type = defineMessage<OperatorActionRecord>({
      topic,
      kind: 'event',
      key: (r) => r.sagaId,
      schema: {
        type: 'record',
        namespace: 'sagaflow',
        name: 'OperatorActionRecorded',
        doc: 'An operator action taken in the saga monitor: who, when, what, why, and its outcome',
        fields: [
          { name: 'actionId', type: 'string' },
          { name: 'action', type: 'string' },
          { name: 'sagaId', type: 'string' },
          { name: 'sagaType', type: 'string' },
          optional('correlationId'),
          { name: 'operator', type: 'string' },
          { name: 'reason', type: 'string' },
          { name: 'requestedAt', type: 'string' },
          { name: 'outcome', type: 'string' },
          optional('targetTopic'),
          optional('deadLetter'),
          optional('error'),
        ],
      },
    });
    cache.set(topic, type);
  }
  return type;
}
