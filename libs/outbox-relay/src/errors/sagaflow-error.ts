/**
 * Stable, grep-able codes of every error Sagaflow raises. DLT headers and the monitor's "stuck" reason
 * carry these codes; they never change meaning once released.
 */
export type SagaflowErrorCode =
  | 'CONFIG_INVALID'
  | 'DEFINITION_INVALID'
  | 'MESSAGE_INVALID'
  | 'UNKNOWN_MESSAGE_TYPE'
  | 'CODEC_FAILED'
  | 'RECORD_REJECTED'
  | 'CONCURRENCY_CONFLICT'
  | 'POISON_MESSAGE'
  | 'COMPENSATION_FAILED'
  | 'NO_SAGA_INSTANCE'
  /** A query named a saga type the service does not host. */
  | 'UNKNOWN_SAGA_TYPE'
  /** A saga instance runs a definition version this replica does not have (a rolling deploy, decision 0069). */
  | 'DEFINITION_VERSION_GAP'
  | 'HANDLER_FAILED'
  | 'BROKER_UNAVAILABLE'
  | 'REGISTRY_UNAVAILABLE'
  | 'DATABASE_UNAVAILABLE'
  | 'MIGRATION_FAILED'
  | 'LEADERSHIP_LOST';

const brand = Symbol.for('sagaflow.SagaflowError');

/**
 * The one error family of Sagaflow: a stable `code`, whether retrying can help (`retriable`), the
 * `cause`, and context naming what was at fault. Retry loops decide from `retriable` alone.
 * `instanceof` works across duplicated copies of the package (it checks a global symbol brand).
 */
export class SagaflowError extends Error {
  readonly code: SagaflowErrorCode;
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: SagaflowErrorCode,
    message: string,
    options: { retriable?: boolean; cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(`[${code}] ${message}`, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = Object.freeze({ ...options.context });
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null || !(brand in value)) return false;
    // subclasses keep normal prototype semantics; the base class accepts any branded error
    return this === SagaflowError || Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/** Bad configuration: the process refuses to start. The message names the setting, rule and value. */
export class ConfigError extends SagaflowError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('CONFIG_INVALID', message, { context });
  }
}

/** A misdeclared saga, reaction, participant or message type, found at start-up; names class and method. */
export class DefinitionError extends SagaflowError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('DEFINITION_INVALID', message, { context });
  }
}

/** A message that does not match its declared type (missing key, wrong field); names the field. */
export class MessageValidationError extends SagaflowError {
  readonly fields: readonly string[];
  constructor(message: string, fields: readonly string[], context: Record<string, unknown> = {}) {
    super('MESSAGE_INVALID', message, { context: { ...context, fields } });
    this.fields = fields;
  }
}

/** Encoding or decoding a record failed; retriable when the registry was unreachable. */
export class CodecError extends SagaflowError {
  constructor(
    message: string,
    options: { retriable: boolean; cause?: unknown; context?: Record<string, unknown> },
  ) {
    super(options.retriable ? 'REGISTRY_UNAVAILABLE' : 'CODEC_FAILED', message, options);
  }
}

/** Someone else changed the saga instance first; retried in a fresh transaction. */
export class ConcurrencyConflictError extends SagaflowError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('CONCURRENCY_CONFLICT', message, { retriable: true, context });
  }
}

/** A message that failed every retry; it goes to the dead-letter topic with this error's code and message. */
export class PoisonMessageError extends SagaflowError {
  readonly attempts: number;
  constructor(message: string, attempts: number, cause: unknown, context: Record<string, unknown> = {}) {
    super('POISON_MESSAGE', message, { cause, context: { ...context, attempts } });
    this.attempts = attempts;
  }
}

/** A compensation that could not be applied after its retries: the saga ends Failed, surfaced. */
export class CompensationFailedError extends SagaflowError {
  constructor(message: string, context: Record<string, unknown> = {}, cause?: unknown) {
    super('COMPENSATION_FAILED', message, { cause, context });
  }
}
