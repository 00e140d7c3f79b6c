// Which role may do what: a copy of recon::Allow's table (src/recon/policy.cc, docs/review.md),
// used only to show each role the pages it can use. The server decides every request again;
// a page the copy wrongly offered would answer 403 and say so.
import type { Role, User } from '@/api/types'

export type Action =
  | 'manage_users'
  | 'settings'
  | 'campaigns'
  | 'import'
  | 'compare'
  | 'read'
  | 'export'
  | 'verify'
  | 'dispute'
  | 'approve'
  | 'reject'
  | 'reopen'
  | 'apply'
  | 'undo'
  | 'read_audit'
  | 'see_id_numbers'
  | 'reveal_id_number'
  | 'backup'

// One row an action, the roles that may do it (policy.cc's kTable, column by column).
const table: Readonly<Record<Action, readonly Role[]>> = {
  manage_users: ['admin'],
  settings: ['admin'],
  campaigns: ['admin', 'reviewer'],
  import: ['clerk'],
  compare: ['clerk'],
  read: ['reviewer', 'community', 'clerk', 'viewer'],
  export: ['reviewer', 'community', 'clerk', 'viewer'],
  verify: ['community'],
  dispute: ['community'],
  approve: ['reviewer'],
  reject: ['reviewer'],
  reopen: ['reviewer', 'community'],
  apply: ['reviewer'],
  undo: ['reviewer'],
  read_audit: ['auditor'],
  see_id_numbers: ['clerk'],
  reveal_id_number: ['reviewer'],
  backup: ['admin'],
}

export function roleMay(role: Role, action: Action): boolean {
  return table[action].includes(role)
}

/** Whether the user may do `action` at all (somewhere); a disabled user may do nothing. */
export function userMay(user: User | null, action: Action): boolean {
  return user !== null && !user.disabled && roleMay(user.role, action)
}

/** Whether the user works in the whole district (reads district-wide reports). */
export function coversDistrict(user: User | null): boolean {
  return user?.all_areas === true
}
