// What the sign-in page says when signing in fails, in words with what to do. The server
// answers 401 for a wrong login or password (it does not say which), 429 resource_exhausted for
// a locked account ("... is locked after 5 failed sign-ins until <instant>") or for too many
// attempts from one address ("... retry in N s"). The lockout's end and the wait come only in
// details.reason (English text), read here; see the report for the API gap.
import type { ApiError } from '@/api/errors'

export type SignInProblem =
  | { kind: 'wrong' }
  | { kind: 'locked'; until: string | null; minutes: number | null }
  | { kind: 'rate_limited'; seconds: number | null }
  | { kind: 'other'; error: ApiError }

export function signInProblem(e: ApiError, now: Date = new Date()): SignInProblem {
  if (e.status === 401) return { kind: 'wrong' }
  if (e.code === 'resource_exhausted') {
    const reason = e.reason ?? ''
    const lockedUntil =
      typeof e.details['locked_until'] === 'string'
        ? (e.details['locked_until'] as string)
        : /locked .* until (\S+)/.exec(reason)?.[1] ?? null
    if (lockedUntil !== null || /\blocked\b/.test(reason)) {
      const until = lockedUntil && !Number.isNaN(Date.parse(lockedUntil)) ? lockedUntil : null
      const minutes = until ? Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 60_000)) : null
      return { kind: 'locked', until, minutes }
    }
    const retry =
      typeof e.details['retry_after_seconds'] === 'number'
        ? (e.details['retry_after_seconds'] as number)
        : Number(/retry in (\d+) ?s/.exec(reason)?.[1] ?? NaN)
    return { kind: 'rate_limited', seconds: Number.isFinite(retry) ? retry : null }
  }
  return { kind: 'other', error: e }
}
