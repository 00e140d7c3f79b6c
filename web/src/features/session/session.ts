// Who is signed in, in this tab: the server's Session (user, CSRF token, timeouts). The server
// keeps the session (an HttpOnly cookie); this only remembers what it said. `wasSignedIn` (kept
// for the tab in sessionStorage) tells an expired session from a first visit, so the sign-in
// page can say which it is.
import { computed, shallowRef } from 'vue'
import type { Session, User } from '@/api/types'
import { ApiError } from '@/api/errors'
import * as sessionApi from './api'

const current = shallowRef<Session | null>(null)
const flagKey = 'popreg.signedIn'
let loading: Promise<Session | null> | null = null
let loaded = false

function setFlag(on: boolean): void {
  try {
    if (on) globalThis.sessionStorage?.setItem(flagKey, '1')
    else globalThis.sessionStorage?.removeItem(flagKey)
  } catch {
    // storage unavailable: the expiry message is then not shown after a reload
  }
}

export const session = computed(() => current.value)
export const user = computed<User | null>(() => current.value?.user ?? null)
export const mustChangePassword = computed(() => current.value?.must_change_password ?? false)

export function csrfToken(): string | null {
  return current.value?.csrf_token ?? null
}

/** Whether this tab had a session that ended without signing out. */
export function wasSignedIn(): boolean {
  try {
    return globalThis.sessionStorage?.getItem(flagKey) === '1'
  } catch {
    return false
  }
}

function remember(s: Session | null): void {
  current.value = s
  loaded = true
  if (s) setFlag(true)
}

/** The session the server has for this browser, asked once (GET /api/v1/session); null when
 * not signed in. Other errors (no answer) are thrown. */
export function loadSession(): Promise<Session | null> {
  if (loaded) return Promise.resolve(current.value)
  loading ??= sessionApi
    .getSession()
    .then((s) => {
      remember(s)
      return s
    })
    .catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 401) {
        remember(null)
        return null
      }
      throw e
    })
    .finally(() => {
      loading = null
    })
  return loading
}

export async function signIn(login: string, password: string): Promise<Session> {
  const s = await sessionApi.signIn(login, password)
  remember(s)
  return s
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<Session> {
  const s = await sessionApi.changePassword(currentPassword, newPassword)
  remember(s)
  return s
}

/** Signs out (the server ends the session); forgets it here even when the server could not be
 * reached. */
export async function signOut(): Promise<void> {
  try {
    await sessionApi.signOut()
  } finally {
    setFlag(false)
    remember(null)
  }
}

/** Ends every session of the user; returns how many. */
export async function signOutEverywhere(): Promise<number> {
  try {
    const r = await sessionApi.signOutEverywhere()
    return r.sessions_ended
  } finally {
    setFlag(false)
    remember(null)
  }
}

/** The server said 401: the session is gone (expired, or ended elsewhere). */
export function sessionEnded(): void {
  current.value = null
  loaded = true
}
