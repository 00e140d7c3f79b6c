// The users group of the API (api/openapi.yaml, tag users): admins list, add, disable or enable
// users and give them a new password.
import { api } from '@/api'
import type { Role, User } from '@/api/types'

export interface NewUser {
  login: string
  display_name?: string
  role: Role
  password: string
  all_areas?: boolean
  areas?: string[]
}

export async function listUsers(): Promise<User[]> {
  return (await api.get<{ users: User[] }>('/api/v1/users')).users
}

export function addUser(u: NewUser): Promise<User> {
  return api.post<User>('/api/v1/users', u)
}

export function changeUser(login: string, change: { disabled?: boolean; password?: string }): Promise<User> {
  return api.patch<User>(`/api/v1/users/${encodeURIComponent(login)}`, change)
}
