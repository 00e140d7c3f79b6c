import { describe, expect, it } from 'vitest'
import { charDiff, nameKind } from './diff'

describe('charDiff', () => {
  it('marks the one character that differs in a name', () => {
    const d = charDiff('唐香湘', '唐香香')
    expect(d.differs).toBe(true)
    expect(d.left).toEqual([{ text: '唐香', changed: false }, { text: '湘', changed: true }])
    expect(d.right).toEqual([{ text: '唐香', changed: false }, { text: '香', changed: true }])
  })
  it('finds insertions and deletions in ID numbers', () => {
    const d = charDiff('35090219800101123X', '3509021980010112X')
    expect(d.left.filter((s) => s.changed).map((s) => s.text).join('')).toBe('3')
    expect(d.right.every((s) => !s.changed)).toBe(true)
  })
  it('equal and empty values', () => {
    expect(charDiff('张三', '张三')).toEqual({ left: [{ text: '张三', changed: false }], right: [{ text: '张三', changed: false }], differs: false })
    expect(charDiff('', '李四').right).toEqual([{ text: '李四', changed: true }])
    expect(charDiff('', '').differs).toBe(false)
  })
  it('treats a character outside the BMP as one', () => {
    const d = charDiff('王𠮷', '王吉')
    expect(d.left).toEqual([{ text: '王', changed: false }, { text: '𠮷', changed: true }])
  })
})

describe('nameKind', () => {
  it('follows the explanation level', () => {
    expect(nameKind('pinyin', '汪秀岷', '汪秀敏')).toBe('homophone')
    expect(nameKind('lookalike', '王己', '王已')).toBe('lookalike')
    expect(nameKind('exact', '張三', '张三')).toBe('variant')
    expect(nameKind('exact', '张三', '张三')).toBeNull()
    expect(nameKind('else', '张三', '李四')).toBeNull()
    expect(nameKind(undefined, '张三', '李四')).toBeNull()
  })
})
