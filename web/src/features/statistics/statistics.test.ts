import { describe, expect, it } from 'vitest'
import { columnLabel, columnParts } from './statistics'

describe('the statistics columns', () => {
  it('are a source and a measure', () => {
    expect(columnParts('reg_total')).toEqual({ source: 'reg', measure: 'total' })
    expect(columnParts('police_population_diff_total')).toEqual({ source: 'police_population', measure: 'diff_total' })
    expect(columnParts('after_approved_births')).toEqual({ source: 'after_approved', measure: 'births' })
    expect(columnParts('death_certificates_linked')).toEqual({ source: 'death_certificates', measure: 'linked' })
    expect(columnParts('level')).toBeNull()
    expect(columnParts('reg_unknown')).toBeNull()
  })
  it('are named in words, others as they are', () => {
    const t = (k: string) => `<${k}>`
    expect(columnLabel('manual_deaths', t)).toBe('<statistics.source.manual> · <statistics.measure.deaths>')
    expect(columnLabel('code', t)).toBe('<statistics.column.code>')
    expect(columnLabel('社区代码', t)).toBe('社区代码')
  })
})
