import { redactSecrets } from '../config/redact';

/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the monitor logs: one structured line per event. */
export interface MonitorLogger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

/**
 * JSON lines on stdout (stderr for errors), the format the services use too. Every line goes through
 * {@link redactSecrets}: a connection string or an `access_token` inside an error never reaches the log.
 */
export function jsonLogger(minimum: LogLevel = 'info'): MonitorLogger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  return {
    log(level, message, fields = {}) {
      if (order[level] < order[minimum]) return;
      const line = redactSecrets(
        JSON.stringify({
          time: new Date().toISOString(),
          level,
          service: 'saga-monitor',
          message,
          ...fields,
        }),
      );
      if (level === 'error') process.stderr.write(`${line}\n`);
      else process.stdout.write(`${line}\n`);
    },
  };
}

/** Drops everything; for tests that assert on behaviour, not logs. */
export const silentLogger: MonitorLogger = { log: () => undefined };
