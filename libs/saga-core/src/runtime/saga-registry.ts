import { DefinitionError, type MessageCatalog } from '@sagaflow/outbox-relay';
import { buildSagaDefinition, type SagaDefinition } from '../declaration/saga-definition';
import type { HandlerMetadata } from '../declaration/saga-metadata';
import { SagaEngine } from '../engine/saga-engine';

/** Every registered version of one saga type. */
export interface SagaTypeVersions {
  type: string;
  /** By definition version. */
  engines: ReadonlyMap<number, SagaEngine>;
  /** The highest version: every new instance starts on it. */
  latest: SagaEngine;
}

/**
 * The saga types of a service, each with every registered definition version. In-flight instances keep
 * the version they started with; new ones start on the highest (docs/decisions/0012).
 */
export class SagaRegistry {
  private readonly types = new Map<string, SagaTypeVersions>();
  private readonly byMessage = new Map<string, string[]>();

  /**
   * @param sagas the saga objects (Nest providers, or `new SagaClass()`), one per (type, version).
   * @param defaultMissingPolicy applied to handlers that declare no `onMissingInstance`.
   * @throws DefinitionError naming the class and method at fault, or the two classes claiming one version.
   */
  constructor(sagas: readonly object[], catalog: MessageCatalog, defaultMissingPolicy: 'fault' | 'discard') {
    const classes = new Map<string, string>();
    for (const saga of sagas) {
      const cls = saga.constructor as abstract new (...args: never[]) => unknown;
      const definition = withDefaultPolicy(buildSagaDefinition(cls, { catalog }), defaultMissingPolicy);
      const id = `${definition.type}@${definition.version}`;
      const taken = classes.get(id);
      if (taken) {
        throw new DefinitionError(
          `Sagas ${taken} and ${cls.name} both declare ${definition.type} version ${definition.version}`,
        );
      }
      classes.set(id, cls.name);
      const engine = new SagaEngine(definition, saga);
      const entry = this.types.get(definition.type);
      const engines = new Map(entry?.engines ?? []);
      engines.set(definition.version, engine);
      const latest = !entry || entry.latest.definition.version < definition.version ? engine : entry.latest;
      this.types.set(definition.type, { type: definition.type, engines, latest });
      for (const name of definition.handlers.keys()) {
        const list = this.byMessage.get(name) ?? [];
        if (!list.includes(definition.type)) list.push(definition.type);
        this.byMessage.set(name, list);
      }
    }
  }

  /** The saga types that handle messages of this full name. */
  typesHandling(messageType: string): readonly string[] {
    return this.byMessage.get(messageType) ?? [];
  }

  /** Every message type some saga handles. */
  handledMessageTypes(): string[] {
    return [...this.byMessage.keys()];
  }

  /** The versions of one saga type. */
  versions(type: string): SagaTypeVersions | undefined {
    return this.types.get(type);
  }

  /**
   * The engine whose `correlate` finds the instance a message of this type belongs to: the highest
   * version that handles it (correlation of a message type must stay stable across versions).
   */
  correlating(type: string, messageType: string): SagaEngine | undefined {
    const versions = this.types.get(type);
    if (!versions) return undefined;
    return [...versions.engines.values()]
      .filter((e) => e.handles(messageType))
      .sort((a, b) => b.definition.version - a.definition.version)[0];
  }

  /** Every definition, by type then ascending version. */
  definitions(): SagaDefinition[] {
    return [...this.types.values()].flatMap((t) =>
      [...t.engines.values()].map((e) => e.definition).sort((a, b) => a.version - b.version),
    );
  }
}

function withDefaultPolicy(definition: SagaDefinition, policy: 'fault' | 'discard'): SagaDefinition {
  if (policy === 'fault') return definition;
  const handlers = new Map<string, HandlerMetadata>();
  for (const [name, h] of definition.handlers) {
    handlers.set(name, h.onMissingInstanceDeclared ? h : Object.freeze({ ...h, onMissingInstance: policy }));
  }
  return Object.freeze({ ...definition, handlers });
}
