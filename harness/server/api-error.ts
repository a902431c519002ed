// Errors in the OpenAI shape, `{ error: { message, type, param, code } }`, so that any OpenAI client
// shows the message as it is. Every failure the server answers with is one of these.

export type ApiErrorType = 'invalid_request_error' | 'not_found_error' | 'server_error' | 'overloaded_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: ApiErrorType,
    readonly code: string,
    readonly param: string | null = null,
    /** Extra response headers, e.g. Retry-After or Allow. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { error: { message: string; type: ApiErrorType; param: string | null; code: string } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const badRequest = (message: string, param: string | null, code = 'invalid_value') => new ApiError(400, message, 'invalid_request_error', code, param);

/** 503 with Retry-After: the client should come back, the server is not broken for good. */
export const unavailable = (message: string, code: string, retryAfterSeconds: number) =>
  new ApiError(503, message, code === 'queue_full' ? 'overloaded_error' : 'server_error', code, null, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
