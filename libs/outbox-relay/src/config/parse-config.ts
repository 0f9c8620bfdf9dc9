import type { z } from 'zod';
import { ConfigError } from '../errors/sagaflow-error';

/**
 * Parses `input` with a zod schema, or throws a ConfigError naming the first setting at fault, the rule
 * and the value given (passwords in URLs masked), e.g.
 * "OutboxRelay config: batchSize must be at most 10000 (got 20000)". All issues go into the context.
 * @param owner what is being configured, first in the message (e.g. "Sagaflow config").
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, owner: string): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    // a misspelt setting silently taking its default is worse than refusing to start
    const where = issue.path.map(String);
    const settings = issue.keys.map((k) => [...where, k].join('.'));
    throw new ConfigError(
      `${owner}: ${settings.join(', ')} ${settings.length === 1 ? 'is not a setting' : 'are not settings'}${where.length ? ` of ${where.join('.')}` : ''} (check the spelling)`,
      { setting: settings[0], issues: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    );
  }
  const setting = issue.path.map(String).join('.') || '(config)';
  const value = 'input' in issue ? describeValue(issue.input) : 'nothing';
  throw new ConfigError(`${owner}: ${setting} ${phrase(issue.message)} (got ${value})`, {
    setting,
    issues: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
  });
}

// zod's default messages read as sentences of their own; turn them into the rule after the setting
function phrase(message: string): string {
  const rule = message
    .replace(/^Invalid input: /i, 'must be ')
    .replace(/^Too small: expected \w+ to have >=(\d+) (\w+).*$/i, 'must hold at least $1 $2')
    .replace(/^Too small: expected \w+ to be >=?(\d+).*$/i, 'must be at least $1')
    .replace(/^Too big: expected \w+ to be <=?(\d+).*$/i, 'must be at most $1')
    .replace(/^Too big: expected \w+ to have <=(\d+) (\w+).*$/i, 'must hold at most $1 $2');
  return rule.charAt(0).toLowerCase() + rule.slice(1);
}

/** A value as an error message shows it: short, and without the password of a URL. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  let json: string | undefined;
  try {
    // a database URL may carry a password; an error message must not
    json = JSON.stringify(value)?.replace(/(\/\/[^:/@]+:)[^@]*@/g, '$1***@');
  } catch {
    return String(value);
  }
  return json === undefined ? String(value) : json.length > 80 ? json.slice(0, 77) + '...' : json;
}
