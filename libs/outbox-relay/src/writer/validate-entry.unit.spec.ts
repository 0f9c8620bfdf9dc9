import { describe, expect, it } from 'vitest';
import { ConfigError, MessageValidationError, type SagaflowError } from '../errors/sagaflow-error';
import { MessageCatalog } from '../message/message-catalog';
import { defineMessage } from '../message/message-type';
import type { OutboxEntry } from './outbox-entry';
import { OutboxWriter } from './outbox-writer';
import { validateEntry } from './validate-entry';

interface Reserved {
  orderId: string;
  quantity: number;
}
const Reserved = defineMessage<Reserved>({
  topic: 'inventory.events',
  kind: 'event',
  key: (e) => e.orderId,
  schema: {
    type: 'record',
    namespace: 'inventory',
    name: 'StockReserved',
    fields: [
      { name: 'orderId', type: 'string' },
      { name: 'quantity', type: 'int' },
    ],
  },
});
const ok: OutboxEntry<Reserved> = {
  type: Reserved,
  payload: { orderId: 'o-1', quantity: 2 },
  correlationId: 'o-1',
};

function fault(entry: unknown): MessageValidationError {
  try {
    validateEntry(entry as OutboxEntry, 3);
  } catch (error) {
    expect(error).toBeInstanceOf(MessageValidationError);
    return error as MessageValidationError;
  }
  throw new Error('expected a MessageValidationError');
}

describe('validateEntry (what OutboxWriter.append checks before writing)', () => {
  it('resolves the key from the payload, or takes the override', () => {
    expect(validateEntry(ok as OutboxEntry, 0).key).toBe('o-1');
    expect(validateEntry({ ...ok, key: 'other' } as OutboxEntry, 0).key).toBe('other');
  });

  it('names the payload field that does not match the schema, with entry index and type', () => {
    const error = fault({ ...ok, payload: { orderId: 'o-1', quantity: 'two' } });
    expect(error.fields).toEqual(['payload.quantity']);
    expect(error.message).toContain('outbox entry 3 (inventory.StockReserved)');
    expect(error.message).toContain('quantity');
  });

  it.each([
    [{ ...ok, payload: { orderId: '', quantity: 1 } }, 'key'],
    [{ ...ok, key: '' }, 'key'],
    [{ ...ok, correlationId: '' }, 'correlationId'],
    [{ ...ok, correlationId: undefined }, 'correlationId'],
    [{ ...ok, messageId: 'not-a-uuid' }, 'messageId'],
    [{ ...ok, traceparent: 'abc' }, 'traceparent'],
    [{ ...ok, occurredAt: new Date('nope') }, 'occurredAt'],
    [{ ...ok, causationId: '' }, 'causationId'],
    [{ ...ok, type: { name: 'x' } }, 'type'],
  ])('rejects %#, naming %s', (entry, field) => {
    const error = fault(entry);
    expect(error.fields).toContain(field);
    expect(error.message).toContain(field);
  });

  it('refuses a type missing from the catalog when the writer has one', () => {
    const other = defineMessage<Reserved>({ ...Reserved, schema: { ...Reserved.schema, name: 'Other' } });
    expect(() =>
      validateEntry({ ...ok, type: other } as OutboxEntry, 0, new MessageCatalog([Reserved])),
    ).toThrow(/inventory.Other is not in this writer's catalog/);
    try {
      validateEntry({ ...ok, type: other } as OutboxEntry, 0, new MessageCatalog([Reserved]));
    } catch (error) {
      expect((error as SagaflowError).code).toBe('UNKNOWN_MESSAGE_TYPE');
    }
  });

  it('OutboxWriter refuses an empty source, naming the setting', () => {
    expect(() => new OutboxWriter({ source: ' ' })).toThrow(ConfigError);
    expect(() => new OutboxWriter({ source: '' })).toThrow(/source/);
  });
});
