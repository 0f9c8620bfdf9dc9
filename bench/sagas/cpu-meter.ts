import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux, whatever the kernel's HZ). */
const ticksPerSecond = 100;

/** A component to account CPU to: fixed pids, or every process whose command name matches. */
export type CpuComponent = { name: string; pids: () => number[] };

/** CPU seconds (user + system) of `pid` so far; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}

/** Pids of every process whose command name (`/proc/<pid>/comm`) is `comm`, e.g. `postgres`. */
export function pidsByName(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Pids of every process whose command line contains `fragment` (e.g. `kafka.Kafka`). */
export function pidsByCommandLine(fragment: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(fragment)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** The pid in a stack pid file (parts the stack started), else every process whose command line names the part. */
export function pidOf(pidFile: string, fragment: string): number[] {
  try {
    return [Number(readFileSync(pidFile, 'utf8').trim())];
  } catch {
    return pidsByCommandLine(fragment);
  }
}

/**
 * CPU used per component between {@link CpuMeter.start} and {@link CpuMeter.stop}. Sampled every
 * `intervalMs`: PostgreSQL forks a backend per connection, and a backend that exits before `stop` (a
 * pool closed at the end of a run) would otherwise take its CPU with it. A process first seen after
 * `start` counts from zero (it was born during the phase), one that exits between samples loses at
 * most its last interval: the figures are lower bounds, close for long-lived processes.
 */
export class CpuMeter {
  private baseline = new Map<string, Map<number, number>>();
  private latest = new Map<string, Map<number, number>>();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;

  constructor(
    private readonly components: readonly CpuComponent[],
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    this.baseline = new Map(this.components.map((c) => [c.name, sample(c.pids())]));
    this.latest = new Map(this.components.map((c) => [c.name, new Map(this.baseline.get(c.name))]));
    clearInterval(this.timer);
    this.timer = setInterval(() => this.sampleAll(), this.intervalMs);
    this.timer.unref();
  }

  /** CPU seconds per component since {@link start}, and the wall-clock seconds elapsed. */
  stop(): { wallSeconds: number; cpuSeconds: Record<string, number> } {
    clearInterval(this.timer);
    this.sampleAll();
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    const cpu: Record<string, number> = {};
    for (const c of this.components) {
      const before = this.baseline.get(c.name)!;
      let used = 0;
      for (const [pid, now] of this.latest.get(c.name)!) used += now - (before.get(pid) ?? 0);
      cpu[c.name] = used;
    }
    return { wallSeconds, cpuSeconds: cpu };
  }

  private sampleAll(): void {
    for (const c of this.components) {
      const latest = this.latest.get(c.name)!;
      for (const [pid, seconds] of sample(c.pids())) if (seconds > 0) latest.set(pid, seconds);
    }
  }
}

function sample(pids: readonly number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, cpuSeconds(pid)]));
}
