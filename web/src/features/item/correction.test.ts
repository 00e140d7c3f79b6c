import { describe, expect, it } from 'vitest'
import { checkValue, correctionFields, correctionSet, initialField, parseDate } from './correction'
import { actionsFor } from './actions'
import type { User } from '@/api/types'

const today = '2026-12-06'

describe('the correction form', () => {
  it('checks values as the server does', () => {
    expect(checkValue('id_number', '11010519491231002X', today)).toBeNull()
    expect(checkValue('id_number', '110105194912310021', today)).toMatchObject({ kind: 'id', check: { problem: 'check', expected: 'X' } })
    expect(checkValue('birth_date', '2027-01-01', today)).toEqual({ kind: 'future' })
    expect(checkValue('birth_date', '2020-02-30', today)).toEqual({ kind: 'date' })
    expect(checkValue('death_date', '2026年5月3日', today)).toBeNull()
    expect(checkValue('sex', '女', today)).toBeNull()
    expect(checkValue('sex', 'x', today)).toEqual({ kind: 'sex' })
    expect(checkValue('community_code', '350902001001', today)).toBeNull()
    expect(checkValue('community_code', '3509', today)).toEqual({ kind: 'community' })
    expect(checkValue('name', ' ', today)).toEqual({ kind: 'empty' })
  })
  it('builds the set, normalising ID numbers, and wants a date with an outcome', () => {
    expect(correctionSet([{ field: 'id_number', value: '11010519491231002x ' }], today)).toEqual({ ok: true, set: { id_number: '11010519491231002X' } })
    expect(correctionSet([{ field: 'outcome', value: 'moved_out' }], today)).toMatchObject({ ok: false, problem: { kind: 'needsDate' } })
    expect(correctionSet([{ field: 'outcome', value: 'moved_out' }, { field: 'date', value: '2026-01-02' }], today)).toMatchObject({ ok: true })
    expect(correctionSet([{ field: 'name', value: 'a' }, { field: 'name', value: 'b' }], today)).toMatchObject({ ok: false, index: 1 })
  })
  it('offers the fields of the type', () => {
    expect(correctionFields('absent_from_source')).toContain('outcome')
    expect(correctionFields('field_mismatch')).not.toContain('outcome')
    expect(initialField('field_mismatch', 'birth_date')).toBe('birth_date')
    expect(initialField('invalid_id_number', '')).toBe('id_number')
    expect(parseDate('20200131')).toBe('2020-01-31')
  })
})

function user(role: User['role']): User {
  return { login: role, display_name: role, role, all_areas: true, areas: [], disabled: false, must_change_password: false, locked_until: null, created_at: '' }
}

describe('the actions offered', () => {
  it('are those of the role in the state', () => {
    expect(actionsFor(user('community'), 'open')).toEqual(['verify', 'dispute'])
    expect(actionsFor(user('community'), 'approved')).toEqual([])
    expect(actionsFor(user('reviewer'), 'open')).toEqual(['reject'])
    expect(actionsFor(user('reviewer'), 'verified')).toEqual(['approve', 'reject', 'reopen'])
    expect(actionsFor(user('reviewer'), 'approved')).toEqual(['reopen', 'apply'])
    expect(actionsFor(user('reviewer'), 'applied')).toEqual(['undo'])
    expect(actionsFor(user('viewer'), 'open')).toEqual([])
    expect(actionsFor(null, 'open')).toEqual([])
  })
})
