import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemLockPath, takeSystemLock } from './system-lock';

describe('The demo system lock is one per broker on the machine, whichever checkout runs the system', () => {
  it('lives in the machine temporary directory and depends on the brokers only', () => {
    const path = systemLockPath(['127.0.0.1:9092']);
    expect(path.startsWith(tmpdir())).toBe(true);
    expect(path).not.toContain(process.cwd());
    expect(systemLockPath(['b:9094', 'a:9092'])).toBe(systemLockPath(['a:9092', 'b:9094']));
    expect(systemLockPath(['127.0.0.1:9092'])).not.toBe(systemLockPath(['127.0.0.1:9192']));
  });

  it('a second taker waits for the first and is told who holds it', async () => {
    const path = join(tmpdir(), `sagaflow-lock-spec-${process.pid}-${Date.now()}.lock`);
    const release = await takeSystemLock(path, 'first run');
    try {
      // the holder is this live process, so the second taker cannot get it before its deadline
      await expect(takeSystemLock(path, 'second run', { timeoutMs: 1_500 })).rejects.toThrow(
        /in use by pid \d+ \(first run/,
      );
    } finally {
      release();
    }
    const again = await takeSystemLock(path, 'third run', { timeoutMs: 1_500 });
    again();
  });
});
