// The side menu: one entry per page, each naming the action its role needs (app/policy.ts).
// A page is listed here only once it is built; the route of the same name is in app/routes.ts.
import type { Component } from 'vue'
import { DataBoard, List, User as UserIcon, Calendar, Connection, DocumentDelete, Histogram, Lock, Printer, TrendCharts, Upload, UserFilled } from '@element-plus/icons-vue'
import type { User } from '@/api/types'
import { userMay, type Action } from './policy'

export interface MenuEntry {
  /** The route's name. */
  name: string
  /** The i18n key of its title. */
  title: string
  icon: Component
  /** The action the page needs; null: every signed-in user. */
  action: Action | null
}

export const menu: readonly MenuEntry[] = [
  { name: 'dashboard', title: 'nav.dashboard', icon: DataBoard, action: 'read' },
  { name: 'worklist', title: 'nav.worklist', icon: List, action: 'read' },
  { name: 'imports', title: 'nav.imports', icon: Upload, action: 'import' },
  { name: 'comparisons', title: 'nav.comparisons', icon: Connection, action: 'compare' },
  { name: 'incomplete', title: 'nav.incomplete', icon: DocumentDelete, action: 'read' },
  { name: 'statistics', title: 'nav.statistics', icon: Histogram, action: 'read' },
  { name: 'progress', title: 'nav.progress', icon: TrendCharts, action: 'read' },
  { name: 'books', title: 'nav.books', icon: Printer, action: 'export' },
  { name: 'users', title: 'nav.users', icon: UserFilled, action: 'manage_users' },
  { name: 'campaigns', title: 'nav.campaigns', icon: Calendar, action: 'campaigns' },
  { name: 'audit', title: 'nav.audit', icon: Lock, action: 'read_audit' },
  { name: 'account', title: 'nav.account', icon: UserIcon, action: null },
]

export function menuFor(user: User | null): MenuEntry[] {
  if (!user) return []
  return menu.filter((e) => e.action === null || userMay(user, e.action))
}

/** The page a user lands on: the first of their menu. */
export function homeOf(user: User | null): string {
  return menuFor(user)[0]?.name ?? 'account'
}
