import { randomBytes } from 'node:crypto';

const pattern = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C `traceparent` of a message caused by one carrying `parent`: same trace id, a new span id, so a
 * whole saga is one trace. Without a (valid) parent, a new trace starts.
 */
export function childTraceparent(parent: string | undefined): string {
  const match = parent ? pattern.exec(parent) : null;
  if (!match || /^0+$/.test(match[2]!)) return newTraceparent();
  return `00-${match[2]}-${spanId()}-${match[4]}`;
}

/** A new trace (sampled). */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${spanId()}-01`;
}

function spanId(): string {
  return randomBytes(8).toString('hex');
}
