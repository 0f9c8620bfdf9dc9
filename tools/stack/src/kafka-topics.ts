import { randomBytes } from 'node:crypto';

/** A topic name unique to this run: `<prefix>.<random>`; suites use their own so they never collide. */
export function uniqueTopicName(prefix: string): string {
  return `${prefix}.${randomBytes(5).toString('hex')}`;
}
