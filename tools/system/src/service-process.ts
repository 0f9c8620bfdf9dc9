import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** How to run one service: a Node entry point, its environment, its port and where its log goes. */
export interface ServiceProcessSpec {
  /** e.g. `order-service`; names the process in errors. */
  name: string;
  /** Absolute path of the built entry point (`apps/<x>/dist/main.js`). */
  main: string;
  /** Working directory (the repository root, so workspace packages resolve). */
  cwd: string;
  /** The whole environment of the child besides `PATH` and `HOME` (nothing else leaks in). */
  env: Record<string, string>;
  port: number;
  /** stdout and stderr are appended here. */
  logFile: string;
}

// Children still running when this process exits are killed, so a crashed test or demo never leaves
// services holding the fixed consumer groups.
const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

/**
 * One service as an operating-system process: start, wait for `/health`, stop with SIGTERM, kill -9,
 * pause with SIGSTOP / resume with SIGCONT, restart. A process that exits while it is awaited fails
 * the wait with its exit code and log file, instead of waiting out the deadline.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private lastExit: string | undefined;

  constructor(readonly spec: ServiceProcessSpec) {}

  /** Base URL, e.g. `http://127.0.0.1:3001`. */
  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  /** The running process's id, or undefined. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Spawns the process (no-op when running). Does not wait for it to be ready: see {@link waitHealthy}. */
  start(): void {
    if (this.child) return;
    mkdirSync(dirname(this.spec.logFile), { recursive: true });
    const log = openSync(this.spec.logFile, 'a');
    try {
      const child = spawn(process.execPath, [this.spec.main], {
        cwd: this.spec.cwd,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.spec.env },
        stdio: ['ignore', log, log],
      });
      this.child = child;
      this.lastExit = undefined;
      alive.add(child);
      this.exited = new Promise((resolve) =>
        child.once('exit', (code, signal) => {
          alive.delete(child);
          if (this.child === child) this.child = undefined;
          this.lastExit = signal ? `killed by ${signal}` : `exited with code ${code}`;
          resolve();
        }),
      );
    } finally {
      closeSync(log); // the child holds its own descriptor
    }
  }

  /**
   * Polls `GET /health` until it answers 200.
   * @throws Error naming the service and its log when the deadline passes, or at once when the process exits.
   */
  async waitHealthy(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    for (;;) {
      // not waitFor(): a process that died will never answer, so stop polling at once and say so
      if (!this.child)
        throw new Error(
          `${this.spec.name} ${this.lastExit ?? 'was not started'} before it was healthy; see ${this.spec.logFile}`,
        );
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(5_000) });
        if (res.ok) return;
        last = `${res.status} ${await res.text()}`;
      } catch (e) {
        last = (e as Error).message;
      }
      if (Date.now() > deadline)
        throw new Error(
          `${this.spec.name} did not answer 200 on ${this.url}/health within ${timeoutMs} ms (last: ${last}); see ${this.spec.logFile}`,
        );
      await new Promise((r) => setTimeout(r, 250)); // poll interval
    }
  }

  /** Starts it and waits until healthy. */
  async startHealthy(timeoutMs?: number): Promise<void> {
    this.start();
    await this.waitHealthy(timeoutMs);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs` (a service drains in-flight work first). */
  async stop(graceMs = 30_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGCONT'); // a paused process cannot handle SIGTERM
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** kill -9: no shutdown hook runs, nothing is drained or committed. */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGSTOP: the process is frozen (no heartbeats, no handling) until {@link resume}. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Stops (gracefully, or with kill -9 when `hard`), starts again and waits until healthy. */
  async restart(options: { hard?: boolean; timeoutMs?: number } = {}): Promise<void> {
    await (options.hard ? this.kill() : this.stop());
    await this.startHealthy(options.timeoutMs);
  }
}
