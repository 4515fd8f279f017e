/** FieldError names the request field or query parameter at fault; the routers answer 400. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
