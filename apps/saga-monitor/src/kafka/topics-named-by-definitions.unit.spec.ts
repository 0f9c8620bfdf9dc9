import { describe, expect, it } from 'vitest';
import { topicsNamedBy } from './topics-named-by-definitions';

describe('topicsNamedBy', () => {
  it("names a saga's handled topics and its steps' command and compensation topics, with their DLTs", () => {
    const saga = {
      kind: 'saga',
      steps: [
        { name: 'reserve', commandTopic: 'inventory.commands', compensationTopic: 'inventory.commands' },
        { name: 'charge', commandTopic: 'payment.commands', compensationTopic: null },
      ],
      handles: [{ messageType: 'order.OrderPlaced', topic: 'order.events' }],
    };
    expect(topicsNamedBy(saga).sort()).toEqual([
      'inventory.commands',
      'inventory.commands.dlt',
      'order.events',
      'order.events.dlt',
      'payment.commands',
      'payment.commands.dlt',
    ]);
  });

  it("names a service's consumed topics and the topics of what it emits", () => {
    const reactions = {
      kind: 'reactions',
      service: 'loyalty-service',
      reactions: [
        {
          consumes: 'order.OrderApproved',
          topic: 'order.events',
          emits: ['loyalty.PointsAwarded'],
          emitsTopics: ['loyalty.events'],
        },
        // a document of a release before emitsTopics, or a handler declaring no emits
        { consumes: 'order.OrderCancelled', topic: 'order.events', emits: null },
      ],
    };
    expect(topicsNamedBy(reactions).sort()).toEqual([
      'loyalty.events',
      'loyalty.events.dlt',
      'order.events',
      'order.events.dlt',
    ]);
  });

  it.each([
    null,
    'text',
    { kind: 'other', topic: 'x.events' },
    { kind: 'saga', steps: 'none' },
    { kind: 'reactions', reactions: [{ topic: 7 }] },
  ])('names nothing for %j', (document) => {
    expect(topicsNamedBy(document)).toEqual([]);
  });
});
