import { describe, expect, it } from 'vitest'
import type { Role, User } from '@/api/types'
import { homeOf, menuFor } from './menu'
import { roleMay } from './policy'
import { safeRedirect } from './redirect'

function user(role: Role, over: Partial<User> = {}): User {
  return {
    login: role,
    display_name: role,
    role,
    all_areas: true,
    areas: [],
    disabled: false,
    must_change_password: false,
    locked_until: null,
    created_at: '2026-12-06T00:00:00Z',
    ...over,
  }
}

describe('the menu of each role', () => {
  it('shows only the pages the role may use', () => {
    const names = (r: Role) => menuFor(user(r)).map((e) => e.name)
    expect(names('admin')).toEqual(['users', 'campaigns', 'account'])
    expect(names('auditor')).toEqual(['audit', 'account'])
    const reads = ['incomplete', 'statistics', 'progress', 'books']
    expect(names('reviewer')).toEqual(['dashboard', 'worklist', ...reads, 'campaigns', 'account'])
    expect(names('clerk')).toEqual(['dashboard', 'worklist', 'imports', 'comparisons', ...reads, 'account'])
    for (const r of ['community', 'viewer'] as const) expect(names(r)).toEqual(['dashboard', 'worklist', ...reads, 'account'])
    expect(menuFor(user('viewer', { disabled: true })).map((e) => e.name)).toEqual(['account'])
    expect(menuFor(null)).toEqual([])
  })
  it('lands each role on the first of its pages', () => {
    expect(homeOf(user('reviewer'))).toBe('dashboard')
    expect(homeOf(user('admin'))).toBe('users')
    expect(homeOf(user('auditor'))).toBe('audit')
  })
  it('follows the policy: three separate duties', () => {
    expect(roleMay('admin', 'manage_users')).toBe(true)
    expect(roleMay('admin', 'read')).toBe(false)
    expect(roleMay('auditor', 'read_audit')).toBe(true)
    expect(roleMay('auditor', 'manage_users')).toBe(false)
    expect(roleMay('clerk', 'see_id_numbers')).toBe(true)
  })
})

describe('the page to go back to after signing in', () => {
  it('is one of ours', () => {
    expect(safeRedirect('/dashboard?x=1')).toBe('/dashboard?x=1')
    expect(safeRedirect('//evil.example/')).toBeNull()
    expect(safeRedirect('https://evil.example/')).toBeNull()
    expect(safeRedirect('/signin')).toBeNull()
    expect(safeRedirect(['/a'])).toBeNull()
  })
})
