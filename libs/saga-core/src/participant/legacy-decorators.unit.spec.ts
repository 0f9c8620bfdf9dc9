import { DefinitionError, defineMessage } from '@sagaflow/outbox-relay';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as sagaCore from '../index';

const Paid = defineMessage<{ orderId: string }>({
  topic: 'legacy-decorators.events',
  kind: 'event',
  key: (e) => e.orderId,
  schema: {
    type: 'record',
    namespace: 'legacy',
    name: 'Paid',
    fields: [{ name: 'orderId', type: 'string' }],
  },
});

/** Compiles `source` as a user's project would without `experimentalDecorators`, then runs it. */
function runWithoutExperimentalDecorators(source: string): void {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  });
  const modules: Record<string, unknown> = { '@sagaflow/saga-core': sagaCore, './messages': { Paid } };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', outputText)(
    (id: string) => modules[id],
    module,
    module.exports,
  );
}

describe('a Sagaflow decorator compiled without experimentalDecorators', () => {
  it('@OnEvent says what to set, instead of a TypeError', () => {
    const run = () =>
      runWithoutExperimentalDecorators(`
        import { OnEvent } from '@sagaflow/saga-core';
        import { Paid } from './messages';
        export class Receipts {
          @OnEvent(Paid)
          async issue() {}
        }`);
    expect(run).toThrow(DefinitionError);
    expect(run).toThrow(
      /@OnEvent on issue was called as a standard \(TC39\) decorator.*"experimentalDecorators": true/,
    );
  });

  it('@CommandHandler, @StartSaga, @SagaEventHandler and @EndSaga say the same', () => {
    for (const decorator of [
      '@CommandHandler(Paid)',
      '@StartSaga(Paid, { correlate: (e) => e.orderId })',
      '@SagaEventHandler(Paid, { correlate: (e) => e.orderId })',
      '@EndSaga()',
    ]) {
      const name = decorator.slice(0, decorator.indexOf('('));
      expect(() =>
        runWithoutExperimentalDecorators(`
          import { CommandHandler, StartSaga, SagaEventHandler, EndSaga } from '@sagaflow/saga-core';
          import { Paid } from './messages';
          export class Handlers {
            ${decorator}
            handle() {}
          }`),
      ).toThrow(new RegExp(`${name} on handle was called as a standard \\(TC39\\) decorator`));
    }
  });

  it('compiled with experimentalDecorators, the same class declares its reaction', () => {
    const { outputText } = ts.transpileModule(
      `import { OnEvent } from '@sagaflow/saga-core';
       import { Paid } from './messages';
       export class Receipts { @OnEvent(Paid) async issue() {} }`,
      {
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.CommonJS,
          experimentalDecorators: true,
        },
      },
    );
    const modules: Record<string, unknown> = { '@sagaflow/saga-core': sagaCore, './messages': { Paid } };
    const module = { exports: {} as Record<string, unknown> };
    new Function('require', 'module', 'exports', outputText)(
      (id: string) => modules[id],
      module,
      module.exports,
    );
    expect(typeof module.exports.Receipts).toBe('function');
  });
});
