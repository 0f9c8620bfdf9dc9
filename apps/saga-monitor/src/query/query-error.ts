/** A bad request parameter: answered with 400 naming the parameter. */
export class QueryParamError extends Error {
  override readonly name = 'QueryParamError';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}
