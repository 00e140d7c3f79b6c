import { describe, expect, it } from 'vitest'
import { explanationOf, levelKey, levelParameter, signed, waterfallBars, waterfallSteps } from './waterfall'

const raw = {
  probability: 0.99,
  weight: 11.6,
  terms: [
    { field: 'prior', level: 'lambda = 0.000962497', weight: -10 },
    { field: 'id_number', level: 'exact', weight: 19.9 },
    { field: 'name', level: 'pinyin', weight: 7.8 },
    { field: 'sex', level: 'else', weight: -6.1 },
    { field: 'home', level: 'null', weight: 0 },
  ],
}

describe('the waterfall', () => {
  it('reads the explanation and refuses what is not one', () => {
    expect(explanationOf(raw)?.terms.length).toBe(5)
    expect(explanationOf(null)).toBeNull()
    expect(explanationOf({ terms: 'x' })).toBeNull()
  })
  it('runs the sum from the prior to the total', () => {
    const steps = waterfallSteps(explanationOf(raw)!)
    expect(steps.map((s) => s.kind)).toEqual(['prior', 'up', 'up', 'down', 'none', 'total'])
    expect(steps[0]).toMatchObject({ from: 0, to: -10 })
    expect(steps[1]!.from).toBe(-10)
    expect(steps[1]!.to).toBeCloseTo(9.9)
    expect(steps[3]!.to).toBeCloseTo(11.6)
    expect(steps[5]).toMatchObject({ from: 0, to: 11.6, field: 'total' })
  })
  it('draws each bar from its low end (a bar may cross zero)', () => {
    const { base, value } = waterfallBars(waterfallSteps(explanationOf(raw)!))
    expect(base[0]).toBe(-10)
    expect(value[0]).toBe(10)
    expect(base[1]).toBe(-10)
    expect(value[1]).toBeCloseTo(19.9)
    expect(base[3]).toBeCloseTo(11.6)
    expect(value[3]).toBeCloseTo(6.1)
  })
  it('writes signed numbers and level keys', () => {
    expect(signed(28.06)).toBe('+28.1')
    expect(signed(-10.02)).toBe('\u221210.0')
    expect(signed(0.01)).toBe('0.0')
    expect(levelKey('levenshtein<=1')).toBe('levenshtein')
    expect(levelParameter('levenshtein<=1')).toBe('1')
    expect(levelKey('lambda = 0.001')).toBe('prior')
    expect(levelKey('pinyin_jaro_winkler>=0.9')).toBe('pinyin_jaro_winkler')
    expect(levelParameter('exact')).toBe('')
  })
})
