import { describe, expect, it } from 'vitest'
import type { Job } from '@/api/types'
import { comparisonSummary, newestFirst, runningComparison } from './comparisons'

const base: Job = {
  id: 1,
  kind: 'compare',
  started_by: 'clerk',
  state: 'succeeded',
  stage: '',
  done: 0,
  total: 0,
  eta_seconds: null,
  started_at: '',
  finished_at: null,
  cancel_requested: false,
  result: null,
  error: null,
}

describe('a comparison\'s summary', () => {
  it('is the job\'s result, types in the API\'s order', () => {
    const s = comparisonSummary({
      ...base,
      result: { comparison: 3, items: 12, new: 4, resolved: 2, by_type: { field_mismatch: 5, missing_in_register: 7, other_kind: 1 } },
    })
    expect(s).toEqual({
      comparison: 3,
      items: 12,
      new: 4,
      resolved: 2,
      byType: [
        { type: 'missing_in_register', count: 7 },
        { type: 'field_mismatch', count: 5 },
        { type: 'other_kind', count: 1 },
      ],
    })
    expect(comparisonSummary({ ...base, state: 'running' })).toBeNull()
  })
  it('finds a comparison still running after a reload', () => {
    const jobs = [
      { ...base, id: 2, state: 'running' as const, kind: 'import' },
      { ...base, id: 3, state: 'running' as const },
      { ...base, id: 4 },
    ]
    expect(runningComparison(jobs)?.id).toBe(3)
    expect(runningComparison([])).toBeNull()
    expect(newestFirst([{ id: 1 }, { id: 5 }, { id: 2 }] as never).map((c: { id: number }) => c.id)).toEqual([5, 2, 1])
  })
})
