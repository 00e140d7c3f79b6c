// The error of every failed API call: the server's {"error": {"code", "message", "details"}}
// (message already in the language the request asked for), or a failure before any answer.
import type { ErrorCode } from './types'

/** `network`: no answer (server down, connection lost); `bad_response`: an answer that is not
 * the API's (a proxy's page, a body that is not JSON). */
export type ClientErrorCode = ErrorCode | 'network' | 'bad_response'

export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    /** The HTTP status; 0 when no answer came. */
    readonly status: number,
    readonly code: ClientErrorCode,
    /** The server's message in the UI's language; '' for network and bad_response. */
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message)
  }

  /** What the engine said (details.reason), in English; for the curious, not for the headline. */
  get reason(): string | undefined {
    const r = this.details['reason']
    return typeof r === 'string' ? r : undefined
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

const codes: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_argument',
  'not_found',
  'already_exists',
  'failed_precondition',
  'permission_denied',
  'unauthenticated',
  'conflict',
  'resource_exhausted',
  'io_error',
  'data_loss',
  'unimplemented',
  'cancelled',
  'internal',
])

/** The ApiError of an answer whose status is not 2xx, from its body (parsed JSON or not). */
export function errorFromBody(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const e = (body as { error: unknown }).error
    if (typeof e === 'object' && e !== null) {
      const { code, message, details } = e as Record<string, unknown>
      if (typeof code === 'string' && codes.has(code) && typeof message === 'string') {
        const d =
          typeof details === 'object' && details !== null && !Array.isArray(details)
            ? (details as Record<string, unknown>)
            : {}
        return new ApiError(status, code as ErrorCode, message, d)
      }
    }
  }
  return new ApiError(status, 'bad_response', '', { status })
}
