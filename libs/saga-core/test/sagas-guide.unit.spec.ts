import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// docs/guides/sagas.md promises that its `ts` blocks are one program that compiles and runs. This spec
// keeps that promise: it extracts the blocks, type-checks them with the repo's settings, then runs them.
const repoRoot = resolve(__dirname, '../../..');
const guide = readFileSync(join(repoRoot, 'docs/guides/sagas.md'), 'utf8');
const code = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
const generatedDir = join(__dirname, '.generated');
const example = join(generatedDir, 'sagas-guide.example.ts');

describe('docs/guides/sagas.md', () => {
  it('has example code', () => {
    expect(code).toContain('@Saga(');
  });

  it('type-checks as one program', () => {
    mkdirSync(generatedDir, { recursive: true });
    writeFileSync(example, code);
    const { config } = ts.readConfigFile(join(repoRoot, 'tsconfig.base.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot);
    const program = ts.createProgram([example], { ...parsed.options, noEmit: true });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === example)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 60_000);

  it('runs: the timeout example releases the stock, and the saga converges', async () => {
    writeFileSync(example, code);
    const mod = (await import(example)) as {
      fulfilmentTimesOutAndReleasesStock: () => string[];
      fulfilmentConverges: () => void;
    };
    expect(mod.fulfilmentTimesOutAndReleasesStock()).toEqual([
      'inventory.ReserveStock',
      'payment.ChargePayment',
      'inventory.ReleaseStock',
    ]);
    expect(() => mod.fulfilmentConverges()).not.toThrow();
  });

  it('runs: the trip joins its parallel bookings, re-sends the hotel with the same message-id, undoes a late hotel and converges', async () => {
    writeFileSync(example, code);
    const mod = (await import(example)) as {
      tripRetriesTheHotel: () => { sends: number; sameId: boolean; status: string };
      tripUndoesALateHotel: () => string[];
      tripConverges: () => void;
    };
    expect(mod.tripRetriesTheHotel()).toEqual({ sends: 2, sameId: true, status: 'COMPLETED' });
    expect(mod.tripUndoesALateHotel()).toEqual(['flight.CancelFlight', 'hotel.CancelHotel']);
    expect(() => mod.tripConverges()).not.toThrow();
  });
});
