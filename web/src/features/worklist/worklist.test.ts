import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import type { Item } from '@/api/types'
import { messagesIn } from '@/i18n/messages'
import { bulkPlan, exportPlan, filterFromQuery, filterToQuery, listQuery } from './filter'
import { commandOf, moveCursor } from './keys'
import { messageWith, person, probabilityText } from './rowText'
import { keepRange, scrollToShow, visibleRange, wantsMore } from './virtual'

describe('the filter in the URL', () => {
  it('round-trips and leaves defaults out', () => {
    const q = { type: 'field_mismatch', status: 'open', community: '350902001001', p: '0.9', q: '3509020010010009', sort: 'probability', order: 'desc' }
    const f = filterFromQuery(q)
    expect(f).toEqual({ type: 'field_mismatch', status: 'open', community: '350902001001', minProbability: 0.9, search: '3509020010010009', sort: 'probability', order: 'desc' })
    expect(filterToQuery(f)).toEqual(q)
    expect(filterToQuery(filterFromQuery({}))).toEqual({})
  })
  it('drops what it does not understand', () => {
    expect(filterFromQuery({ type: 'nonsense', status: ['approved', 'open'], p: '7', sort: 'x', community: 'abc' })).toEqual({ status: 'approved', sort: 'id', order: 'asc' })
  })
  it('gives each route what it takes', () => {
    const f = filterFromQuery({ type: 'field_mismatch', p: '0.99', q: '3509020010010009' })
    expect(listQuery(f)).toEqual({ sort: 'id', order: 'asc', type: 'field_mismatch', search: '3509020010010009', min_probability: '0.99' })
    expect(exportPlan(f)).toEqual({ query: { format: 'xlsx', type: 'field_mismatch' }, dropped: ['search', 'minProbability'] })
    expect(bulkPlan(f)).toEqual({ body: { type: 'field_mismatch', household: '3509020010010009', min_probability: 0.99 }, exact: true })
    expect(bulkPlan(filterFromQuery({ type: 'field_mismatch', status: 'open' })).exact).toBe(false)
    expect(bulkPlan(filterFromQuery({ q: '张三' })).exact).toBe(false)
    expect(bulkPlan(filterFromQuery({})).exact).toBe(false)
  })
})

describe('the keys', () => {
  it('maps review keys and leaves fields and modifiers alone', () => {
    expect(commandOf({ key: 'j' })).toBe('next')
    expect(commandOf({ key: 'K' })).toBe('previous')
    expect(commandOf({ key: 'v' })).toBe('verify')
    expect(commandOf({ key: 'a' })).toBe('approve')
    expect(commandOf({ key: 'r' })).toBe('reject')
    expect(commandOf({ key: 'n' })).toBe('note')
    expect(commandOf({ key: 'Enter' })).toBe('open')
    expect(commandOf({ key: '?' })).toBe('help')
    expect(commandOf({ key: 'ArrowDown' })).toBe('next')
    expect(commandOf({ key: 'q' })).toBeNull()
    expect(commandOf({ key: 'v', ctrlKey: true })).toBeNull()
    expect(commandOf({ key: 'v', target: { tagName: 'INPUT' } })).toBeNull()
    expect(commandOf({ key: 'j', target: { tagName: 'DIV', isContentEditable: true } })).toBeNull()
    const input = (type: string) => ({ tagName: 'INPUT', getAttribute: (n: string) => (n === 'type' ? type : null) })
    expect(commandOf({ key: 'v', target: input('text') })).toBeNull()
    expect(commandOf({ key: 'v', target: input('search') })).toBeNull()
    // A ticked row's checkbox keeps the focus after a click; the keys still work.
    expect(commandOf({ key: 'v', target: input('checkbox') })).toBe('verify')
    expect(commandOf({ key: 'j', target: input('CHECKBOX') })).toBe('next')
  })
  it('moves the cursor within the list', () => {
    expect(moveCursor(-1, 'next', 5)).toBe(0)
    expect(moveCursor(4, 'next', 5)).toBe(4)
    expect(moveCursor(0, 'previous', 5)).toBe(0)
    expect(moveCursor(-1, 'previous', 5)).toBe(0)
    expect(moveCursor(2, 'next', 0)).toBe(-1)
  })
})

describe('the virtual list', () => {
  it('draws only the rows in view and a few around', () => {
    expect(visibleRange(0, 480, 48, 100000, 8)).toEqual({ start: 0, end: 19 })
    expect(visibleRange(48 * 5000, 480, 48, 100000, 8)).toEqual({ start: 4992, end: 5019 })
    expect(visibleRange(48 * 99999, 480, 48, 100000, 8).end).toBe(100000)
    expect(visibleRange(0, 480, 48, 0)).toEqual({ start: 0, end: 0 })
  })
  it('keeps the range while a scroll stays within its first and last rows', () => {
    const at = (top: number) => visibleRange(top, 480, 48, 100000, 8)
    const r = at(48 * 5000)
    expect(keepRange(r, at(48 * 5000 + 47))).toBe(r)
    expect(keepRange(r, { ...r })).toBe(r)
    const next = at(48 * 5001)
    expect(keepRange(r, next)).toBe(next)
    expect(keepRange(r, { start: r.start, end: r.end + 1 })).toEqual({ start: r.start, end: r.end + 1 })
  })
  it('asks for more near the end, and scrolls to show a row', () => {
    expect(wantsMore({ start: 150, end: 190 }, 200, true)).toBe(true)
    expect(wantsMore({ start: 0, end: 30 }, 200, true)).toBe(false)
    expect(wantsMore({ start: 150, end: 200 }, 200, false)).toBe(false)
    expect(scrollToShow(20, 0, 480, 48)).toBe(20 * 48 + 48 - 480)
    expect(scrollToShow(2, 480, 480, 48)).toBe(96)
    expect(scrollToShow(12, 480, 480, 48)).toBe(480)
  })
})

describe('the words of a row', () => {
  it('fills a message of one placeholder without asking for it again', () => {
    let asked = 0
    const select = messageWith((id) => {
      asked++
      return `选择第 ${id} 号`
    })
    expect(select(12)).toBe('选择第 12 号')
    expect(select('7')).toBe('选择第 7 号')
    expect(asked).toBe(1)
    const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': messagesIn('zh'), en: messagesIn('en') } })
    const t = i18n.global.t
    for (const locale of ['zh-CN', 'en'] as const) {
      i18n.global.locale.value = locale
      expect(messageWith((id) => t('worklist.select', { id }))(4711)).toBe(t('worklist.select', { id: 4711 }))
    }
  })
  it('names the person and the probability', () => {
    const item = (fields: Partial<Item>) => fields as Item
    expect(person(item({ register_key: '3509020010010009/02', source_id_number: '350902198503021232' }))).toBe('3509020010010009/02')
    expect(person(item({ source_id_number: '350902198503021232' }))).toBe('350902198503021232')
    expect(person(item({ birth_key: 'B-1' }))).toBe('B-1')
    expect(person(item({}))).toBe('')
    expect(probabilityText(0.9996)).toBe('>99.9%')
    expect(probabilityText(0.9994)).toBe('99.9%')
    expect(probabilityText(0.5)).toBe('50.0%')
    expect(probabilityText(null)).toBe('—')
    expect(probabilityText(undefined)).toBe('—')
  })
})
