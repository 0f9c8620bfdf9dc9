/**
 * Named places where a crash test kills a process exactly, instead of "after some count" (DESIGN.md,
 * failure is the product). `SAGAFLOW_FAULT_POINT=<name>` is read once, when this module loads; the process
 * then SIGKILLs itself the first time it reaches that point. Unset (always, in production) it costs one
 * comparison.
 */
export type FaultPointName =
  /** The relay got Kafka's ack for a batch and has not marked or deleted its rows. */
  | 'relay.after-ack-before-mark'
  /** A consumer committed a batch's transaction and has not committed its offset. */
  | 'consumer.after-commit-before-offset'
  /** The monitor committed a batch's projection (and its stored offset) and has not told Kafka's client. */
  | 'monitor.after-commit-before-offset';

const armed = process.env.SAGAFLOW_FAULT_POINT;

/** Kills this process (SIGKILL, no clean-up) when `name` is the armed fault point. */
export function faultPoint(name: FaultPointName): void {
  if (armed === name) process.kill(process.pid, 'SIGKILL');
}
