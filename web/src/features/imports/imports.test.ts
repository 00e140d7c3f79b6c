import { describe, expect, it } from 'vitest'
import type { Job } from '@/api/types'
import { importResult, profilesFor, rejectsCsv, rejectsFileName } from './imports'

function job(over: Partial<Job>): Job {
  return {
    id: 7,
    kind: 'import',
    started_by: 'clerk',
    state: 'succeeded',
    stage: '',
    done: 5,
    total: 5,
    eta_seconds: null,
    started_at: '',
    finished_at: '',
    cancel_requested: false,
    result: null,
    error: null,
    ...over,
  }
}

describe('the import page', () => {
  it('offers the profiles that read the chosen kind, not the broken ones', () => {
    const profiles = [
      { name: 'police-population', kinds: ['police_population'], problem: null },
      { name: 'any', kinds: ['police_population', 'vaccinations'], problem: null },
      { name: 'broken', kinds: [], problem: 'unknown key' },
    ]
    expect(profilesFor(profiles, 'police_population').map((p) => p.name)).toEqual(['police-population', 'any'])
    expect(profilesFor(profiles, 'vaccinations').map((p) => p.name)).toEqual(['any'])
    expect(profilesFor(profiles, 'cremations')).toEqual([])
  })
  it('reads the job\'s result and rejects as the server gave them', () => {
    const r = importResult(
      job({
        result: {
          import: 9,
          file_name: 'births.csv',
          already_imported: false,
          rows: 4,
          imported: 3,
          rejected: 1,
          month: '2026-09',
          first_rejects: [{ row: 2, column: 'birth_date', value: 'not a date', reason: 'not a date' }],
        },
      }),
    )
    expect(r).toMatchObject({ import: 9, rows: 4, imported: 3, rejected: 1, month: '2026-09' })
    expect(r?.rejects).toEqual([{ file: 'births.csv', row: 2, column: 'birth_date', value: 'not a date', reason: 'not a date' }])
    expect(importResult(job({ state: 'failed', error: { code: 'invalid_argument', message: 'x' } }))).toBeNull()
    expect(importResult(null)).toBeNull()
  })
  it('writes the rejects as a CSV named after the upload', () => {
    const csv = rejectsCsv([{ file: 'b.csv', row: 2, column: 'birth_date', value: 'x,y', reason: 'bad' }], ['文件', '行', '列', '内容', '原因'])
    expect(csv).toBe('\uFEFF文件,行,列,内容,原因\r\nb.csv,2,birth_date,"x,y",bad\r\n')
    expect(rejectsFileName('出生登记 2026-09.csv')).toBe('出生登记 2026-09-rejects.csv')
    expect(rejectsFileName('noext')).toBe('noext-rejects.csv')
  })
})
