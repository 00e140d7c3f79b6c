import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/errors'
import { csvCell, downloadFile, filenameFromDisposition, toCsv } from './download'
import { durationParts } from './duration'

describe('a download', () => {
  it('takes the server\'s file name', () => {
    expect(filenameFromDisposition('attachment; filename="statistics-2026-09-30.xlsx"')).toBe('statistics-2026-09-30.xlsx')
    expect(filenameFromDisposition("attachment; filename=x.pdf; filename*=UTF-8''%E6%88%B7%E5%8D%A1.pdf")).toBe('户卡.pdf')
    expect(filenameFromDisposition('attachment; filename=a.csv')).toBe('a.csv')
    expect(filenameFromDisposition(null)).toBeNull()
    expect(filenameFromDisposition('inline')).toBeNull()
  })
  it('says the server\'s refusal as an ApiError', async () => {
    const fetchFn = vi.fn(async () =>
      new Response(JSON.stringify({ error: { code: 'permission_denied', message: '无权', details: {} } }), { status: 403 }),
    )
    await expect(downloadFile('/api/v1/reports/bulletin', { as_of: '2026-01-01' }, 'b.pdf', fetchFn as unknown as typeof fetch)).rejects.toMatchObject({
      status: 403,
      code: 'permission_denied',
    })
    expect(fetchFn).toHaveBeenCalledWith('/api/v1/reports/bulletin?as_of=2026-01-01', expect.anything())
    const down = vi.fn(async () => {
      throw new TypeError('offline')
    })
    await expect(downloadFile('/x', undefined, 'x', down as unknown as typeof fetch)).rejects.toBeInstanceOf(ApiError)
  })
})

describe('a CSV made in the browser', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)")
    expect(csvCell(null)).toBe('')
    expect(csvCell(3)).toBe('3')
  })
  it('starts with a byte order mark and ends lines with CRLF', () => {
    expect(toCsv(['文件', '行'], [['a.csv', 2]])).toBe('\uFEFF文件,行\r\na.csv,2\r\n')
  })
})

describe('a time left', () => {
  it('is in seconds, minutes or hours, never zero', () => {
    expect(durationParts(0)).toEqual({ unit: 'seconds', n: 1 })
    expect(durationParts(42.2)).toEqual({ unit: 'seconds', n: 43 })
    expect(durationParts(61)).toEqual({ unit: 'minutes', n: 2 })
    expect(durationParts(5400)).toEqual({ unit: 'hours', n: 1.5 })
  })
})
