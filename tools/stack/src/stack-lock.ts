import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs `fn` while holding a lock directory under `runDir`, so two `stack:up`s (a terminal and a test
 * run, or two Vitest projects) never start a second broker on the same port. A lock whose owner
 * process is gone is taken over.
 */
export async function withStackLock<T>(
  runDir: string,
  fn: () => Promise<T>,
  timeoutMs = 300_000,
): Promise<T> {
  const lock = join(runDir, 'up.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'owner'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (ownerGone(lock)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`another stack:up (pid ${owner(lock)}) held ${lock} for ${timeoutMs / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function owner(lock: string): number | undefined {
  try {
    return Number(readFileSync(join(lock, 'owner'), 'utf8'));
  } catch {
    return undefined;
  }
}

function ownerGone(lock: string): boolean {
  const pid = owner(lock);
  // the owner file is written right after mkdir; give a just-created lock a moment
  if (pid === undefined || Number.isNaN(pid)) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
