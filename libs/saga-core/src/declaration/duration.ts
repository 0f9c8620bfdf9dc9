import { DefinitionError } from '@sagaflow/outbox-relay';

/** A duration: milliseconds, or a string like `'250ms'`, `'30s'`, `'5m'`, `'2h'`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h'}`;

const units = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/**
 * Milliseconds of a {@link Duration}.
 * @param where named in the error, e.g. "Saga OrderFulfilment: timeout"
 * @throws DefinitionError when the value is not a positive duration.
 */
export function toMilliseconds(value: Duration, where: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return value;
  } else {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value);
    if (match) return Number(match[1]) * units[match[2] as keyof typeof units];
  }
  throw new DefinitionError(
    `${where} must be a positive duration such as 30s, 5m or 250ms; got ${JSON.stringify(value)}`,
  );
}
