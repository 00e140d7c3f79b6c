import { describe, expect, it } from 'vitest'
import { daysBetween, todayIso } from './dates'

describe('dates', () => {
  it('counts whole days', () => {
    expect(daysBetween('2026-12-06', '2027-01-21')).toBe(46)
    expect(daysBetween('2026-12-06', '2026-12-05')).toBe(-1)
    expect(daysBetween('2026-12-06', '2026-12-06T23:59:00Z')).toBe(0)
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2)
  })
  it('today is the local date', () => {
    expect(todayIso(new Date(2026, 0, 5, 23, 30))).toBe('2026-01-05')
  })
})
