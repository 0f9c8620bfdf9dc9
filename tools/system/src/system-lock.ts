import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Who holds the system lock: written into the lock file. */
interface Holder {
  pid: number;
  purpose: string;
  since: string;
}

/**
 * Where the demo system's lock lives for a broker: in the machine's temporary directory, named by the
 * brokers, so every checkout on the machine that uses the same Kafka sees the same lock (the services'
 * topics and groups are fixed, so what clashes is two systems on one broker, whichever checkout runs them).
 */
export function systemLockPath(brokers: readonly string[]): string {
  const id = createHash('sha256')
    .update([...brokers].sort().join(','))
    .digest('hex')
    .slice(0, 16);
  return join(tmpdir(), `sagaflow-demo-system-${id}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryTake(path: string, purpose: string): Holder | undefined {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }));
    closeSync(fd);
    return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let holder: Holder | undefined;
  try {
    holder = JSON.parse(readFileSync(path, 'utf8')) as Holder;
  } catch {
    holder = undefined; // being written right now, or torn: look again shortly
  }
  if (holder && !alive(holder.pid)) {
    // its holder died without releasing it (kill -9 of a test run)
    rmSync(path, { force: true });
    return tryTake(path, purpose);
  }
  return holder ?? { pid: 0, purpose: 'unknown', since: '' };
}

/**
 * Takes the machine-wide lock of the demo system (a file created with O_EXCL), waiting while another
 * live process holds it. The services' topics and consumer groups are fixed, so two systems on one
 * broker would consume each other's messages: the demo, the e2e files and bench:sagas take turns.
 * @returns a release function (also run when this process exits)
 * @throws Error naming the holder when the lock is still taken after `timeoutMs`
 */
export async function takeSystemLock(
  path: string,
  purpose: string,
  options: { timeoutMs?: number; log?: (line: string) => void } = {},
): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  let told = false;
  for (;;) {
    const holder = tryTake(path, purpose);
    if (!holder) break;
    if (Date.now() > deadline)
      throw new Error(
        `the demo system is in use by pid ${holder.pid} (${holder.purpose}, since ${holder.since}); lock file ${path}`,
      );
    if (!told) options.log?.(`waiting for the demo system held by pid ${holder.pid} (${holder.purpose}) …`);
    told = true;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      const holder = JSON.parse(readFileSync(path, 'utf8')) as Holder;
      if (holder.pid === process.pid) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return release;
}
