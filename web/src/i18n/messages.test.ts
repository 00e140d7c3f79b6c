import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { messagesIn, table } from './messages'

interface Node {
  [k: string]: Node | string
}

function leaves(n: Node, prefix = ''): [string, string][] {
  return Object.entries(n).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : leaves(v, `${prefix}${k}.`)))
}

describe('the word table', () => {
  const zh = leaves(messagesIn('zh') as unknown as Node)
  const en = leaves(messagesIn('en') as unknown as Node)

  it('has every text in both languages', () => {
    expect(zh.map(([k]) => k)).toEqual(en.map(([k]) => k))
    for (const [k, v] of [...zh, ...en]) expect(v.trim(), k).not.toBe('')
    expect(Object.keys(table).length).toBeGreaterThan(5)
  })

  it('the Chinese is Chinese and the English is not', () => {
    for (const [k, v] of zh) {
      if (/^(app\.name|app\.short|dashboard\.milestoneDone|dashboard\.chartLabel|dashboard\.period|stage\.linkageStep)$/.test(k)) continue
      expect(v, k).toMatch(/[\u4e00-\u9fff]/)
    }
    for (const [k, v] of en) expect(v, k).not.toMatch(/[\u4e00-\u9fff]/)
  })

  it('every message compiles and names the same placeholders in both languages', () => {
    const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': messagesIn('zh'), en: messagesIn('en') } })
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    const enOf = new Map(en)
    for (const [k, v] of zh) {
      expect(names(v), k).toEqual([...new Set(names(enOf.get(k)!))].sort())
      const values = Object.fromEntries(names(v).map((n) => [n, 2]))
      for (const locale of ['zh-CN', 'en'] as const) {
        i18n.global.locale.value = locale
        const out = i18n.global.t(k, values, 2)
        expect(out, `${locale} ${k}`).not.toBe(k)
        expect(out, `${locale} ${k}`).not.toMatch(/\{\w+\}/)
      }
    }
  })
})
