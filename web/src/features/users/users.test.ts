import { describe, expect, it } from 'vitest'
import { emptyUserForm, newUserOf, roleHasAreas, userFormProblems } from './users'

describe('the add-user form', () => {
  it('says what is missing', () => {
    const f = emptyUserForm()
    expect(userFormProblems(f)).toEqual(['login', 'password', 'areas'])
    f.login = 'wang'
    f.password = 'Abcdefg1'
    f.areas = ['350902001001']
    expect(userFormProblems(f)).toEqual([])
    f.login = 'wang li'
    expect(userFormProblems(f)).toEqual(['login'])
  })
  it('sends areas only for roles that have them', () => {
    const f = { ...emptyUserForm(), login: ' aud ', role: 'auditor' as const, password: 'Abcdefg1', areas: ['x'] }
    expect(roleHasAreas('auditor')).toBe(false)
    expect(userFormProblems(f)).toEqual([])
    expect(newUserOf(f)).toEqual({ login: 'aud', display_name: undefined, role: 'auditor', password: 'Abcdefg1', all_areas: false, areas: [] })
    const g = { ...emptyUserForm(), login: 'r', role: 'reviewer' as const, password: 'x', allAreas: true, areas: ['x'] }
    expect(newUserOf(g)).toMatchObject({ all_areas: true, areas: [] })
  })
})
