import type { LoggerService } from '@nestjs/common';
import { currentCorrelationId } from './correlation';

/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** The logger shape `SagaflowModule.forRoot({ logger })` takes: message plus structured fields. */
export interface StructuredLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * One JSON object per line on stdout — `{time, level, service, context, msg, correlationId, …fields}` —
 * for Nest (as its `LoggerService`) and for Sagaflow (as a {@link StructuredLogger}), so every line of
 * the service has the same shape and carries the correlation id of the request or message in hand.
 */
export class JsonLogger implements LoggerService, StructuredLogger {
  private readonly min: number;

  constructor(
    private readonly service: string,
    level: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {
    this.min = rank[level];
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.nest('info', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    if (isFields(rest[0]) && typeof message === 'string') return this.emit('warn', message, rest[0]);
    this.nest('warn', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    if (isFields(rest[0]) && typeof message === 'string') return this.emit('error', message, rest[0]);
    // Nest passes (message, stack, context)
    const [stack, context] = rest;
    this.emit('error', text(message), {
      context: typeof context === 'string' ? context : undefined,
      stack: typeof stack === 'string' ? stack : undefined,
    });
  }
  debug(message: unknown, ...rest: unknown[]): void {
    if (isFields(rest[0]) && typeof message === 'string') return this.emit('debug', message, rest[0]);
    this.nest('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.nest('debug', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.nest('error', message, rest);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.emit('info', message, fields);
  }

  /** A logger for one component, e.g. `logger.child('StockController')`. */
  child(context: string): StructuredLogger {
    return {
      debug: (m, f) => this.emit('debug', m, { context, ...f }),
      info: (m, f) => this.emit('info', m, { context, ...f }),
      warn: (m, f) => this.emit('warn', m, { context, ...f }),
      error: (m, f) => this.emit('error', m, { context, ...f }),
    };
  }

  private nest(level: LogLevel, message: unknown, rest: unknown[]): void {
    // Nest passes the context (class name) as the last string argument
    const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    this.emit(level, text(message), context ? { context } : undefined);
  }

  private emit(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (rank[level] < this.min) return;
    const correlationId = currentCorrelationId();
    const line = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      msg,
      ...(correlationId ? { correlationId } : {}),
      ...fields,
    };
    this.write(JSON.stringify(line, errorReplacer));
  }
}

function isFields(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(message: unknown): string {
  return typeof message === 'string'
    ? message
    : message instanceof Error
      ? message.message
      : JSON.stringify(message);
}

// Errors serialise as {} by default, which would drop exactly what an operator needs.
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const { code } = value as Error & { code?: unknown };
    return { name: value.name, message: value.message, code, stack: value.stack };
  }
  return value;
}
