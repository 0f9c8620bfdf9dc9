import { describe, expect, it } from 'vitest';
import { checkReactionCycles } from './check-reaction-cycles';
import type { PublishedDefinition } from './published-definition';

const reactions = (service: string, consumes: string, emits: string[]): PublishedDefinition => ({
  key: `reactions:${service}`,
  kind: 'reactions',
  service,
  document: { kind: 'reactions', service, reactions: [{ consumes, handler: `${service}.on`, emits }] },
});

function logger() {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    lines.push({ level, msg, ...(fields ? { fields } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('checkReactionCycles', () => {
  it('warns about the cycles this service is on, not about other services’ loops', async () => {
    const log = logger();
    const report = await checkReactionCycles({
      service: 'a',
      own: [reactions('a', 'x.X', ['y.Y'])],
      read: () =>
        Promise.resolve({
          definitions: [
            reactions('b', 'y.Y', ['x.X']),
            reactions('c', 'p.P', ['q.Q']),
            reactions('d', 'q.Q', ['p.P']),
          ],
          complete: true,
          unreadable: 0,
        }),
      logger: log,
    });
    expect(report.cycles.map((c) => c.chain)).toEqual(['b: x.X → a: y.Y → b: x.X']);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'reaction cycle: b: x.X → a: y.Y → b: x.X',
    ]);
  });

  it('its own definitions replace what the topic holds for it: a loop it no longer declares is gone', async () => {
    const report = await checkReactionCycles({
      service: 'a',
      own: [reactions('a', 'x.X', ['z.Z'])],
      read: () =>
        Promise.resolve({
          definitions: [reactions('a', 'x.X', ['y.Y']), reactions('b', 'y.Y', ['x.X'])],
          complete: true,
          unreadable: 0,
        }),
      logger: logger(),
    });
    expect(report.cycles).toEqual([]);
    expect(report.definitions).toBe(2);
  });

  it('a failed read is a warning, and the check goes on with its own definitions (a self-loop still shows)', async () => {
    const log = logger();
    const report = await checkReactionCycles({
      service: 'a',
      own: [reactions('a', 'x.X', ['x.X'])],
      read: () => Promise.reject(new Error('broker down')),
      logger: log,
    });
    expect(report.complete).toBe(false);
    expect(report.cycles.map((c) => c.chain)).toEqual(['a: x.X → a: x.X']);
    expect(log.lines[0]).toMatchObject({ level: 'warn', msg: expect.stringContaining('could not read') });
  });
});
