// An error in words for a person: what happened (the server's own message, already in the
// UI's language) and what to do about it (by the error's code).
import { ApiError } from '@/api/errors'

type Translate = (key: string, values?: Record<string, unknown>) => string

export interface ErrorWords {
  title: string
  hint: string
  /** The engine's own words (details.reason), for "technical details". */
  reason: string
}

export function describeError(e: unknown, t: Translate): ErrorWords {
  if (e instanceof ApiError) {
    if (e.code === 'network') {
      return { title: t('errors.network'), hint: t('errors.networkHint'), reason: '' }
    }
    if (e.code === 'bad_response') {
      return { title: t('errors.badResponse'), hint: t('errors.hint.bad_response'), reason: `HTTP ${e.status}` }
    }
    return { title: e.message, hint: t(`errors.hint.${e.code}`), reason: e.reason ?? '' }
  }
  return { title: t('errors.hint.internal'), hint: '', reason: String(e) }
}
