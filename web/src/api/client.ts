// The one way the UI talks to `popreg serve`: same-origin fetch with the session cookie, JSON in
// and out, the session's CSRF token on every request that changes something, the UI's language
// in Accept-Language (the server writes its error messages in it), and every failure turned
// into an ApiError. A 401 on any call but signing in tells `onUnauthenticated` (the app sends
// the user to the sign-in page and back).
import { ApiError, errorFromBody } from './errors'

export type Query = Record<string, string | number | boolean | null | undefined>

export interface RequestOptions {
  query?: Query
  /** A JSON body. */
  json?: unknown
  /** A raw body (an upload), sent as application/octet-stream unless `contentType` says. */
  body?: Blob | ArrayBuffer | Uint8Array
  contentType?: string
  /** false: a 401 is only thrown (signing in, where 401 means a wrong password). */
  authRedirect?: boolean
  signal?: AbortSignal
}

export interface ClientHooks {
  /** The UI's language, as a BCP 47 tag: 'zh-CN' or 'en'. */
  language: () => string
  /** The session's CSRF token, or null before signing in. */
  csrfToken: () => string | null
  /** Called on a 401 of a call made with authRedirect (the session ended or expired). */
  onUnauthenticated: (error: ApiError) => void
}

const changes = (method: string) => method !== 'GET' && method !== 'HEAD'

/** An Accept-Language header that prefers `lang` (the server knows zh and en). */
export function acceptLanguage(lang: string): string {
  return lang.toLowerCase().startsWith('en') ? 'en,zh-CN;q=0.5' : 'zh-CN,zh;q=0.9,en;q=0.5'
}

/** `path` with the query's set values appended (null, undefined and '' are left out). */
export function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    params.append(k, String(v))
  }
  const s = params.toString()
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path
}

export class ApiClient {
  private hooks: ClientHooks = {
    language: () => 'zh-CN',
    csrfToken: () => null,
    onUnauthenticated: () => {},
  }

  constructor(
    private readonly fetchFn: typeof fetch = (...args) => globalThis.fetch(...args),
    private readonly baseUrl = '',
  ) {}

  configure(hooks: Partial<ClientHooks>): void {
    this.hooks = { ...this.hooks, ...hooks }
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal })
  }

  post<T>(path: string, json?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, json: json ?? {} })
  }

  patch<T>(path: string, json: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { json })
  }

  delete<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, options)
  }

  /** POST a file as the request's body, what it is in the query (POST /api/v1/imports). */
  upload<T>(path: string, file: Blob, query: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('POST', path, { body: file, query, signal })
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Accept-Language': acceptLanguage(this.hooks.language()),
    }
    let body: BodyInit | undefined
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(options.json)
    } else if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/octet-stream'
      body = options.body as BodyInit
    }
    const token = this.hooks.csrfToken()
    if (changes(method) && token) headers['X-CSRF-Token'] = token

    let response: Response
    try {
      response = await this.fetchFn(this.baseUrl + withQuery(path, options.query), {
        method,
        headers,
        body,
        credentials: 'same-origin',
        cache: 'no-store',
        signal: options.signal,
      })
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e
      throw new ApiError(0, 'network', '', { cause: String(e) })
    }

    if (response.status === 204) return undefined as T
    const text = await response.text()
    let parsed: unknown = undefined
    let isJson = false
    if (text !== '') {
      try {
        parsed = JSON.parse(text)
        isJson = true
      } catch {
        isJson = false
      }
    }
    if (!response.ok) {
      const error = errorFromBody(response.status, parsed)
      if (response.status === 401 && options.authRedirect !== false) {
        this.hooks.onUnauthenticated(error)
      }
      throw error
    }
    if (!isJson && text !== '') {
      throw new ApiError(response.status, 'bad_response', '', { status: response.status })
    }
    return parsed as T
  }
}
