import { DefinitionError, SagaflowError } from '../errors/sagaflow-error';
import type { AnyMessageType, MessageType } from './message-type';

/**
 * The message types one service knows: what it writes to its outbox and what it consumes.
 * Looked up by full name (the `message-type` header).
 */
export class MessageCatalog {
  private readonly byName = new Map<string, MessageType>();

  /** @throws DefinitionError when two different types share one full name. */
  constructor(types: Iterable<AnyMessageType> = []) {
    for (const t of types) this.add(t as MessageType);
  }

  /** Adds a type; adding the same object twice is a no-op. */
  add(type: AnyMessageType): this {
    const existing = this.byName.get(type.name);
    if (existing && existing !== type) {
      throw new DefinitionError(
        `MessageCatalog: two message types are named ${type.name} (topics ${existing.topic} and ${type.topic})`,
      );
    }
    this.byName.set(type.name, type as MessageType);
    return this;
  }

  /** The type of this full name, or undefined. */
  find(name: string): MessageType | undefined {
    return this.byName.get(name);
  }

  /** @throws SagaflowError UNKNOWN_MESSAGE_TYPE naming the type and the known ones. */
  get(name: string): MessageType {
    const t = this.byName.get(name);
    if (!t) {
      throw new SagaflowError(
        'UNKNOWN_MESSAGE_TYPE',
        `message type ${name} is not in this service's catalog (known: ${[...this.byName.keys()].sort().join(', ') || 'none'})`,
        {
          context: { messageType: name },
        },
      );
    }
    return t;
  }

  /** Every topic some known type is carried on. */
  topics(): string[] {
    return [...new Set([...this.byName.values()].map((t) => t.topic))].sort();
  }

  /** All known types. */
  all(): MessageType[] {
    return [...this.byName.values()];
  }
}
