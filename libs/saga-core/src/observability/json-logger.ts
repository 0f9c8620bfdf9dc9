import { jsonLogger, type LogLevel, type RelayLogger } from '@sagaflow/outbox-relay';

export type { LogLevel };

/**
 * Where the runtime logs: one structured line per event, with fields such as `correlationId`,
 * `messageId`, `messageType`, `consumer`. Pass your own (pino, Nest's) through the config.
 * The same interface as the relay's, so one logger serves both.
 */
export type SagaflowLogger = RelayLogger;

/**
 * A logger writing one JSON object per line: `{"time","level","component","service","msg",...fields}`.
 * @param options.write where lines go (stdout by default).
 */
export function sagaflowJsonLogger(
  options: { level?: LogLevel; service?: string; write?: (line: string) => void } = {},
): SagaflowLogger {
  return jsonLogger({
    level: options.level,
    component: 'saga-core',
    context: { service: options.service },
    write: options.write,
  });
}
