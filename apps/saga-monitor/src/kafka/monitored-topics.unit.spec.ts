import { definitionsTopic, lifecycleTopic } from '@sagaflow/saga-core';
import { describe, expect, it } from 'vitest';
import { DEFINITIONS_TOPIC, isDeadLetterTopic, isMonitoredTopic, LIFECYCLE_TOPIC } from './monitored-topics';

describe('monitored topics', () => {
  it('agree with saga-core', () => {
    expect(LIFECYCLE_TOPIC).toBe(lifecycleTopic);
    expect(DEFINITIONS_TOPIC).toBe(definitionsTopic);
  });

  it.each([
    ['sagaflow.lifecycle', true],
    ['sagaflow.definitions', true],
    ['order.events', true],
    ['payment.commands', true],
    ['inventory.commands.dlt', true],
    ['sagaflow.lifecycle.dlt', true],
    ['__consumer_offsets', false],
    ['order.events-retry', false],
    ['orders', false],
  ])('%s → %s', (topic, expected) => {
    expect(isMonitoredTopic(topic)).toBe(expected);
  });

  it('tells dead-letter topics apart', () => {
    expect(isDeadLetterTopic('order.events.dlt')).toBe(true);
    expect(isDeadLetterTopic('order.events')).toBe(false);
  });
});
