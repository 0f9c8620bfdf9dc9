/** Injection token of the service's {@link JsonLogger}, for components that log business facts. */
export const APP_LOGGER = Symbol('APP_LOGGER');
