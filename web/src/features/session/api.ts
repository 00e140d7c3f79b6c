// The session group of the API (api/openapi.yaml, tag session).
import { api } from '@/api'
import type { Session, SignOutEverywhereReply } from '@/api/types'

export function signIn(login: string, password: string): Promise<Session> {
  // A 401 here is a wrong password, not an expired session.
  return api.post<Session>('/api/v1/session', { login, password }, { authRedirect: false })
}

export function getSession(): Promise<Session> {
  return api.request<Session>('GET', '/api/v1/session', { authRedirect: false })
}

export function signOut(): Promise<void> {
  return api.delete<undefined>('/api/v1/session', { authRedirect: false }).then(() => undefined)
}

export function signOutEverywhere(): Promise<SignOutEverywhereReply> {
  return api.delete<SignOutEverywhereReply>('/api/v1/sessions', { authRedirect: false })
}

export function changePassword(currentPassword: string, newPassword: string): Promise<Session> {
  return api.post<Session>('/api/v1/session/password', {
    current_password: currentPassword,
    new_password: newPassword,
  })
}
