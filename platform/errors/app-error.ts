/**
 * AppError is the base of every error that maps to an HTTP answer. Domain code throws a
 * subclass; one error handler (platform/http/error-handler.ts) turns it into JSON.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON(): Record<string, unknown> {
    return { error: this.message, ...this.details };
  }
}

/** ValidationError is a 400 naming the offending field. */
export class ValidationError extends AppError {
  constructor(field: string, reason: string) {
    super(400, `${field}: ${reason}`, { field, reason });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'authentication required') {
    super(401, message, {}, { 'WWW-Authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'forbidden') {
    super(403, message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(404, `${what} not found`);
  }
}

/** ServiceUnavailableError is a 503 with Retry-After, e.g. while the database is down. */
export class ServiceUnavailableError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(503, message, {}, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** TooManyRequestsError is a 429 with Retry-After: a rate limit refused the request. */
export class TooManyRequestsError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, message, {}, { 'Retry-After': String(retryAfterSeconds) });
  }
}
