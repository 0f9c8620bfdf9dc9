import type { EncodedMessage } from './encode-batch';

/** Bytes a record takes on the wire, near enough for a cap: key, value and headers. */
export function recordBytes(m: EncodedMessage): number {
  const { key, value, headers } = m.message;
  let n = (key?.length ?? 0) + (value?.length ?? 0) + 16;
  for (const [name, v] of Object.entries(headers ?? {})) n += name.length + String(v).length;
  return n;
}

/**
 * The longest prefix of `messages` (in id order) within `maxBytes`, never empty: the rest waits for the
 * next read. Cutting a prefix keeps every key's order, because a deferred row's later rows are deferred too.
 */
export function capBatchBytes(
  messages: readonly EncodedMessage[],
  maxBytes: number,
): { send: EncodedMessage[]; deferred: number } {
  let total = 0;
  let i = 0;
  for (; i < messages.length; i++) {
    total += recordBytes(messages[i]!);
    if (total > maxBytes && i > 0) break;
  }
  return { send: messages.slice(0, i), deferred: messages.length - i };
}
