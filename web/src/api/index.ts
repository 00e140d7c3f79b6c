// The app's one client; src/app/setup.ts gives it the session, language and sign-in hooks.
import { ApiClient } from './client'

export const api = new ApiClient()
export { ApiClient, acceptLanguage, withQuery } from './client'
export type { ClientHooks, Query, RequestOptions } from './client'
export { ApiError, isApiError, errorFromBody } from './errors'
export type { ClientErrorCode } from './errors'
