/** Severity of a log line, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The logger the relay writes to; pass your own (pino, Nest's) to route its lines elsewhere. */
export interface RelayLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * A logger writing one JSON object per line: `{"time","level","component",...context,"msg",...fields}`.
 * @param options.context fields on every line (e.g. `{ service: 'order-service' }`).
 * @param options.write where lines go (stdout by default).
 */
export function jsonLogger(
  options: {
    level?: LogLevel;
    component?: string;
    context?: Record<string, unknown>;
    write?: (line: string) => void;
  } = {},
): RelayLogger {
  const min = rank[options.level ?? 'info'];
  const component = options.component ?? 'outbox-relay';
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (rank[level] < min) return;
    write(
      JSON.stringify(
        { time: new Date().toISOString(), level, component, ...options.context, msg: message, ...fields },
        errorReplacer,
      ),
    );
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

// Errors serialise as {} by default, which would lose exactly what an operator needs.
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const { code, retriable } = value as Error & { code?: unknown; retriable?: unknown };
    return { name: value.name, message: value.message, code, retriable };
  }
  return value;
}
