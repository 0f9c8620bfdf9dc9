/** Severity of a log line, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Where the runtime logs: one structured line per event, with fields such as `correlationId`,
 * `messageId`, `messageType`, `consumer`. Pass your own (pino, Nest's) through the config.
 */
export interface SagaflowLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * A logger writing one JSON object per line: `{"time","level","component","service","msg",...fields}`.
 * @param write where lines go (stdout by default).
 */
export function sagaflowJsonLogger(
  options: { level?: LogLevel; service?: string; write?: (line: string) => void } = {},
): SagaflowLogger {
  const min = rank[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (rank[level] < min) return;
    write(
      JSON.stringify(
        {
          time: new Date().toISOString(),
          level,
          component: 'saga-core',
          service: options.service,
          msg: message,
          ...fields,
        },
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
