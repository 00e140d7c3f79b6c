import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { messagesIn } from '@/i18n/messages'
import { stageText } from './stage'

function words(locale: 'zh-CN' | 'en') {
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': messagesIn('zh'), en: messagesIn('en') } })
  const { t, te } = i18n.global
  return (s: string) => stageText(s, (k, n) => (n ? t(k, n) : t(k)), (k) => te(k))
}

describe('a job stage in words', () => {
  it('says the server stages in Chinese and English', () => {
    const zh = words('zh-CN')
    expect(zh("reading the register and the departments' files")).toBe('读取户卡底册和各部门名单')
    expect(zh('importing 公安 2026-09.csv')).toBe('导入 公安 2026-09.csv')
    expect(zh('police_population -> register: scoring')).toBe('公安户籍与户卡底册比对：计算匹配概率')
    expect(zh('cremations -> register (learnt): blocking')).toBe('火化登记与户卡底册比对（按审核结果重新学习）：分块')
    expect(zh('register -> register (duplicates): EM sessions')).toBe('户卡底册查重：训练模型')
    const en = words('en')
    expect(en('police_births -> register: u from random pairs')).toBe('Police births with Register: u from random pairs')
  })
  it('leaves a stage it does not know as the server said it', () => {
    expect(words('zh-CN')('weighing the moon')).toBe('weighing the moon')
    expect(words('zh-CN')('police_population -> register: dancing')).toBe('police_population -> register: dancing')
  })
})
