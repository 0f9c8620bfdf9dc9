/**
 * Why a part of the stack could not be made reachable: names the part, where it was looked for,
 * where its log is, and what to check.
 */
export class StackError extends Error {
  readonly part: StackPart;
  readonly logPath: string | undefined;
  readonly hint: string;

  constructor(
    part: StackPart,
    message: string,
    options: { hint: string; logPath?: string; cause?: unknown },
  ) {
    const log = options.logPath ? `\n  log: ${options.logPath}` : '';
    super(`[stack:${part}] ${message}${log}\n  check: ${options.hint}`, { cause: options.cause });
    this.name = 'StackError';
    this.part = part;
    this.logPath = options.logPath;
    this.hint = options.hint;
  }
}

/** The three parts tools/stack provides. */
export type StackPart = 'kafka' | 'schema-registry' | 'postgres' | 'maven' | 'docker';
