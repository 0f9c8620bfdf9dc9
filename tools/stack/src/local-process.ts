import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** A process tools/stack started and tracks through a pid file. */
export interface LocalProcess {
  pidFile: string;
  logPath: string;
}

/** The pid in `pidFile` when that process is still alive, else undefined (and the stale file is removed). */
export function runningPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) {
    rmSync(pidFile, { force: true });
    return undefined;
  }
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    rmSync(pidFile, { force: true });
    return undefined;
  }
}

/**
 * Starts `command` detached from this process (it outlives the test run that started it), output
 * appended to `logPath`, pid written to `pidFile`.
 */
export function startDetached(
  command: string,
  args: readonly string[],
  proc: LocalProcess & { cwd?: string; env?: NodeJS.ProcessEnv },
): number {
  const log = openSync(proc.logPath, 'a');
  try {
    const child = spawn(command, [...args], {
      cwd: proc.cwd,
      env: proc.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    writeFileSync(proc.pidFile, String(child.pid));
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/**
 * Stops the process of `pidFile`: SIGTERM, then SIGKILL after `graceMs`. Resolves true when it was running.
 */
export async function stopProcess(pidFile: string, graceMs = 15_000): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid === undefined) return false;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) {
    signal(pid, 'SIGKILL');
    while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
  }
  rmSync(pidFile, { force: true });
  return true;
}

/**
 * kill -9 of the process of `pidFile` (and its group): no shutdown hook runs. Resolves true when it was
 * running, once it is gone.
 */
export async function killProcess(pidFile: string): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid === undefined) return false;
  signal(pid, 'SIGKILL');
  while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
  rmSync(pidFile, { force: true });
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    // negative pid: the whole process group, since the child was started detached as its leader
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}
