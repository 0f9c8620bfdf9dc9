import { DefinitionError } from '@sagaflow/outbox-relay';

/**
 * Sagaflow's decorators, like Nest's, are TypeScript's legacy decorators `(target, key, descriptor)`.
 * Compiled without `experimentalDecorators`, TypeScript emits standard (TC39) decorators instead, called as
 * `(value, context)`: this says so, with what to set, rather than failing on the missing descriptor.
 * @throws DefinitionError when `key` is a standard decorator's context object.
 */
export function assertLegacyMethodDecorator(decorator: string, key: unknown): void {
  if (typeof key !== 'object' || key === null) return;
  const name = (key as { name?: unknown }).name;
  const on = typeof name === 'string' || typeof name === 'symbol' ? ` on ${String(name)}` : '';
  throw new DefinitionError(
    `${decorator}${on} was called as a standard (TC39) decorator: Sagaflow's decorators need TypeScript's ` +
      `legacy decorators. Set "experimentalDecorators": true and "emitDecoratorMetadata": true in ` +
      `tsconfig.json (with SWC: jsc.parser.decorators, jsc.transform.legacyDecorator and decoratorMetadata)`,
  );
}
