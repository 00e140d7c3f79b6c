import { describe, expect, it } from 'vitest'
import { back, currentAfter, detailsText, firstPage, forward, pageNumber, shown } from './pager'

describe('keyset pages of the audit log', () => {
  it('go forward by the server\'s next and back by the pages seen', () => {
    let p = shown(firstPage(), 120)
    expect(currentAfter(p)).toBeNull()
    p = shown(forward(p)!, 70)
    expect(currentAfter(p)).toBe(120)
    expect(pageNumber(p)).toBe(2)
    p = shown(forward(p)!, null)
    expect(currentAfter(p)).toBe(70)
    expect(forward(p)).toBeNull()
    p = back(p)!
    expect(currentAfter(p)).toBe(120)
    expect(back(back(p)!)).toBeNull()
  })
  it('shows details as the server wrote them', () => {
    expect(detailsText({ address: '127.0.0.1' })).toBe('{"address":"127.0.0.1"}')
    expect(detailsText({})).toBe('')
    expect(detailsText(null)).toBe('')
    expect(detailsText('x')).toBe('x')
  })
})
