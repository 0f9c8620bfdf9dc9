import type { ServiceProcess } from './service-process';

/**
 * The next process chaos kills: one of those running, uniformly (`random` returns [0, 1)). One that is
 * still restarting is left alone, so each kill lands on a process that was serving.
 * @returns undefined when none is running.
 */
export function pickVictim<P extends Pick<ServiceProcess, 'running'>>(
  processes: readonly P[],
  random: () => number,
): P | undefined {
  const running = processes.filter((p) => p.running);
  if (running.length === 0) return undefined;
  return running[Math.min(running.length - 1, Math.floor(random() * running.length))];
}
