import 'reflect-metadata';
import { DefinitionError, defineMessage, MessageCatalog } from '@sagaflow/outbox-relay';
import { describe, expect, it } from 'vitest';
import { CommandHandler, OnEvent } from '../participant/decorators';
import type { MessageContext } from '../participant/message-context';
import { handlersOf, validateHandlers } from './message-handler';

const message = (name: string, kind: 'event' | 'command') =>
  defineMessage<{ id: string }>({
    topic: kind === 'event' ? 'svc.events' : 'svc.commands',
    kind,
    key: (m) => m.id,
    schema: { type: 'record', namespace: 'svc', name, fields: [{ name: 'id', type: 'string' }] },
  });
const Reserve = message('Reserve', 'command');
const Reserved = message('Reserved', 'event');
const Elsewhere = message('Elsewhere', 'event');
const catalog = new MessageCatalog([Reserve, Reserved]);

describe('participant misdeclarations fail at start-up naming class and method', () => {
  it('a handler of a type outside the catalog', () => {
    class Stock {
      @OnEvent(Elsewhere)
      async on(_m: { id: string }, _c: MessageContext) {}
    }
    expect(() => validateHandlers(handlersOf([new Stock()]), catalog)).toThrow(
      /Stock\.on: @OnEvent\(svc\.Elsewhere\) names a type that is not in the service's message catalog/,
    );
  });

  it('two handlers of one command', () => {
    class A {
      @CommandHandler(Reserve)
      async reserve(_m: { id: string }, _c: MessageContext) {}
    }
    class B {
      @CommandHandler(Reserve)
      async again(_m: { id: string }, _c: MessageContext) {}
    }
    expect(() => validateHandlers(handlersOf([new A(), new B()]), catalog)).toThrow(
      /A\.reserve and B\.again both handle command svc\.Reserve/,
    );
  });

  it('a @CommandHandler of an event, and an emitted type outside the catalog', () => {
    class C {
      @CommandHandler(Reserved)
      async wrong(_m: { id: string }, _c: MessageContext) {}
    }
    expect(() => validateHandlers(handlersOf([new C()]), catalog)).toThrow(DefinitionError);
    expect(() => validateHandlers(handlersOf([new C()]), catalog)).toThrow(
      /C\.wrong: @CommandHandler\(svc\.Reserved\) names an event/,
    );
    class D {
      @CommandHandler(Reserve, { emits: [Elsewhere] })
      async reserve(_m: { id: string }, _c: MessageContext) {}
    }
    expect(() => validateHandlers(handlersOf([new D()]), catalog)).toThrow(
      /D\.reserve: emits svc\.Elsewhere, which is not in the service's message catalog/,
    );
  });
});
