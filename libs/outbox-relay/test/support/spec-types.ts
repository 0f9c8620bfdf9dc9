import { defineMessage, type MessageType } from '../../src/index';

/** A test event: `seq` counts per aggregate, so consumers can check per-key order. */
export interface SpecEvent {
  aggregateId: string;
  seq: number;
  writer: number;
}

/** The spec event type on `topic`; the namespace is derived from the topic so each suite has its own subject. */
export function specEventType(topic: string): MessageType<SpecEvent> {
  return defineMessage<SpecEvent>({
    topic,
    kind: 'event',
    key: (e) => e.aggregateId,
    schema: {
      type: 'record',
      namespace: `spec.${topic.replace(/[^a-zA-Z0-9]/g, '_')}`,
      name: 'SpecEvent',
      fields: [
        { name: 'aggregateId', type: 'string' },
        { name: 'seq', type: 'int' },
        { name: 'writer', type: 'int' },
      ],
    },
  });
}
