import { describe, expect, it } from 'vitest'
import { checkCharacter, checkIdNumber, normalizeIdNumber } from './idcard'

const today = '2026-12-06'

describe('GB 11643 ID numbers', () => {
  it('computes the ISO 7064 MOD 11-2 check character (the standard\'s own examples)', () => {
    expect(checkCharacter('11010519491231002')).toBe('X')
    expect(checkCharacter('44052418800101001')).toBe('4')
    expect(() => checkCharacter('1234')).toThrow()
  })

  it('accepts a valid 18-character number, with its birth date and sex', () => {
    expect(checkIdNumber('11010519491231002X', today)).toEqual({ ok: true, normalized: '11010519491231002X', birthDate: '1949-12-31', sex: 'F' })
    expect(checkIdNumber('440524188001010014', today)).toMatchObject({ ok: true, birthDate: '1880-01-01', sex: 'M' })
  })

  it('reads the number as people type it: x, full-width characters, spaces', () => {
    expect(normalizeIdNumber(' １１０１０５ 19491231002x ')).toBe('11010519491231002X')
    expect(checkIdNumber('110105 1949 1231 002x', today).ok).toBe(true)
  })

  it('names what is wrong', () => {
    expect(checkIdNumber('', today)).toMatchObject({ ok: false, problem: 'empty' })
    expect(checkIdNumber('1101051949', today)).toMatchObject({ ok: false, problem: 'length', length: 10 })
    expect(checkIdNumber('11010519491231002Y', today)).toMatchObject({ ok: false, problem: 'characters' })
    expect(checkIdNumber('1101051949123X002X', today)).toMatchObject({ ok: false, problem: 'characters' })
    expect(checkIdNumber('110105194912310021', today)).toMatchObject({ ok: false, problem: 'check', expected: 'X' })
    // 30 February, 13th month, and a date after today
    const feb30 = '11010520230230' + '001'
    expect(checkIdNumber(feb30 + checkCharacter(feb30), today)).toMatchObject({ ok: false, problem: 'date', date: '2023-02-30' })
    const m13 = '11010520231301' + '001'
    expect(checkIdNumber(m13 + checkCharacter(m13), today)).toMatchObject({ ok: false, problem: 'date' })
    const future = '11010520261207' + '001'
    expect(checkIdNumber(future + checkCharacter(future), today)).toMatchObject({ ok: false, problem: 'future', date: '2026-12-07' })
    const leap = '11010520240229' + '001'
    expect(checkIdNumber(leap + checkCharacter(leap), today).ok).toBe(true)
  })

  it('accepts an old 15-digit number by its date (19YY, no check character)', () => {
    expect(checkIdNumber('110105491231002', today)).toMatchObject({ ok: true, birthDate: '1949-12-31', sex: 'F' })
    expect(checkIdNumber('110105490231002', today)).toMatchObject({ ok: false, problem: 'date' })
    expect(checkIdNumber('11010549123100X', today)).toMatchObject({ ok: false, problem: 'characters' })
  })
})
