// The typed client's one error: the service answered, but not what the call needed.

/** An answer other than the one a call needed, with the service's status and body. */
export class LyftrApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`the service answered ${status}: ${JSON.stringify(body)}`);
    this.name = "LyftrApiError";
  }
}
