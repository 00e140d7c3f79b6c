import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/errors'
import { signInProblem } from './signInErrors'

// As src/server/routes_session.cc words them (details.reason).
const locked = new ApiError(429, 'resource_exhausted', '超出限制：the account li is locked after 5 failed sign-ins until 2026-12-06T04:25:00.000Z', {
  reason: 'the account li is locked after 5 failed sign-ins until 2026-12-06T04:25:00.000Z',
})
const limited = new ApiError(429, 'resource_exhausted', '超出限制：too many sign-in attempts from 127.0.0.1; retry in 42 s', {
  reason: 'too many sign-in attempts from 127.0.0.1; retry in 42 s',
})

describe('sign-in failures in words', () => {
  it('a 401 is a wrong login or password', () => {
    expect(signInProblem(new ApiError(401, 'unauthenticated', '请先登录：wrong login or password'))).toEqual({ kind: 'wrong' })
  })
  it('a locked account, with the minutes left', () => {
    expect(signInProblem(locked, new Date('2026-12-06T04:10:30Z'))).toEqual({ kind: 'locked', until: '2026-12-06T04:25:00.000Z', minutes: 15 })
    expect(signInProblem(locked, new Date('2026-12-06T04:24:50Z'))).toMatchObject({ minutes: 1 })
  })
  it('prefers structured details when the server gives them', () => {
    const e = new ApiError(429, 'resource_exhausted', 'x', { locked_until: '2026-12-06T05:00:00Z', reason: 'locked' })
    expect(signInProblem(e, new Date('2026-12-06T04:00:00Z'))).toMatchObject({ kind: 'locked', minutes: 60 })
    const r = new ApiError(429, 'resource_exhausted', 'x', { retry_after_seconds: 7 })
    expect(signInProblem(r)).toEqual({ kind: 'rate_limited', seconds: 7 })
  })
  it('too many attempts from this computer, with the seconds to wait', () => {
    expect(signInProblem(limited)).toEqual({ kind: 'rate_limited', seconds: 42 })
  })
  it('anything else is passed on', () => {
    const e = new ApiError(0, 'network', '')
    expect(signInProblem(e)).toEqual({ kind: 'other', error: e })
  })
})
