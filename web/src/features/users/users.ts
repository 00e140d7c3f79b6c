// The add-user form: what the admin typed, checked before sending only for what the form can
// tell (a login, the password's rule as the server's, areas for a user of some areas); the
// server decides again and its refusal is shown with the form kept as typed.
import type { Role } from '@/api/types'
import { passwordStrength } from '@/lib/password'
import type { NewUser } from './api'

export interface UserForm {
  login: string
  displayName: string
  role: Role
  password: string
  allAreas: boolean
  areas: string[]
}

export function emptyUserForm(): UserForm {
  return { login: '', displayName: '', role: 'community', password: '', allAreas: false, areas: [] }
}

/** Roles whose work is not tied to areas (admins and auditors see no register). */
export function roleHasAreas(role: Role): boolean {
  return role !== 'admin' && role !== 'auditor'
}

export type UserFormProblem = 'login' | 'password' | 'areas'

/** What is missing or wrong in the form, by field (empty: it can be sent). */
export function userFormProblems(f: UserForm): UserFormProblem[] {
  const out: UserFormProblem[] = []
  if (!/^\S+$/.test(f.login.trim()) || f.login.trim() === '') out.push('login')
  if (!passwordStrength(f.password).ok) out.push('password')
  if (roleHasAreas(f.role) && !f.allAreas && f.areas.length === 0) out.push('areas')
  return out
}

/** The body of POST /api/v1/users. */
export function newUserOf(f: UserForm): NewUser {
  const withAreas = roleHasAreas(f.role)
  return {
    login: f.login.trim(),
    display_name: f.displayName.trim() || undefined,
    role: f.role,
    password: f.password,
    all_areas: withAreas ? f.allAreas : false,
    areas: withAreas && !f.allAreas ? f.areas.map((a) => a.trim()).filter(Boolean) : [],
  }
}
