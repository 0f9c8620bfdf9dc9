/** Injection token of the parsed, frozen {@link ResolvedSagaflowConfig}. */
export const SAGAFLOW_CONFIG = Symbol.for('sagaflow.config');
