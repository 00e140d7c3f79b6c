import { describe, expect, it } from 'vitest'
import { count, num, records } from './reportTable'

describe('report tables', () => {
  it('reads rows by column name', () => {
    const t = { columns: ['a', 'b'], rows: [['1', 'x'], ['2']] }
    expect(records(t)).toEqual([{ a: '1', b: 'x' }, { a: '2', b: '' }])
  })
  it('an empty cell is no number, not zero', () => {
    expect(num('')).toBeNull()
    expect(num(undefined)).toBeNull()
    expect(num('-4')).toBe(-4)
    expect(num('75.0')).toBe(75)
    expect(num('x')).toBeNull()
    expect(count('')).toBe(0)
  })
})
