import {
  cancelSagaSchema,
  operatorCommandTopic as coreTopic,
  operatorCommandTypes,
  resumeSagaSchema,
} from '@sagaflow/saga-core';
import { describe, expect, it } from 'vitest';
import { operatorCommandSchemas, operatorCommandTopic, operatorCommandType } from './operator-command-types';

describe("the monitor's operator commands are saga-core's", () => {
  it('has the same schemas', () => {
    expect(operatorCommandSchemas.resume).toEqual(resumeSagaSchema);
    expect(operatorCommandSchemas.cancel).toEqual(cancelSagaSchema);
  });

  it('names the same topic and record names', () => {
    expect(operatorCommandTopic('order-service', 'staging.')).toBe(coreTopic('order-service', 'staging.'));
    const core = operatorCommandTypes('order-service', 'staging.');
    expect(operatorCommandType('resume', 'order-service', 'staging.').name).toBe(core.resume.name);
    expect(operatorCommandType('cancel', 'order-service', 'staging.').name).toBe(core.cancel.name);
    expect(operatorCommandType('cancel', 'order-service', 'staging.').topic).toBe(core.cancel.topic);
  });
});
