import { describe, expect, it } from 'vitest'
import type { Campaign } from '@/api/types'
import { changeOf, emptyForm, formOf } from './campaigns'

const c = {
  id: 1,
  name: '专项行动',
  start: '2026-11-22',
  startup_end: '2026-12-05',
  reporting_deadline: '2027-01-21',
  entry_deadline: '2027-02-20',
  end: '2027-03-22',
  handover_day: 3,
  created_by: 'admin',
  created_at: '',
  today: '2026-12-06',
  phase: 'implementation',
} as Campaign

describe('a campaign\'s change', () => {
  it('sends only what differs', () => {
    const f = formOf(c)
    expect(changeOf(f, c)).toEqual({})
    f.entry_deadline = '2027-02-25'
    f.name = ' 新名称 '
    expect(changeOf(f, c)).toEqual({ entry_deadline: '2027-02-25', name: '新名称' })
  })
  it('adds with the values given, the others from the work plan', () => {
    const f = emptyForm()
    f.name = '2027 年行动'
    f.start = '2027-01-01'
    expect(changeOf(f, null)).toEqual({ name: '2027 年行动', start: '2027-01-01' })
  })
})
