// The UI's language: zh-CN unless the user chose English (kept in this browser), for the
// words (vue-i18n), Element Plus's own texts, the page's lang attribute, and the
// Accept-Language of API calls (the server's error messages follow it).
import { computed, ref } from 'vue'
import { createI18n } from 'vue-i18n'
import elementEn from 'element-plus/es/locale/lang/en'
import elementZhCn from 'element-plus/es/locale/lang/zh-cn'
import { messagesIn, type MessageSchema } from './messages'

export type Language = 'zh-CN' | 'en'
export const languages: readonly { code: Language; label: string }[] = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
]

const storageKey = 'popreg.language'

function stored(): Language {
  try {
    return globalThis.localStorage?.getItem(storageKey) === 'en' ? 'en' : 'zh-CN'
  } catch {
    return 'zh-CN'
  }
}

export const i18n = createI18n<[MessageSchema], Language, false>({
  legacy: false,
  locale: stored(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': messagesIn('zh'), en: messagesIn('en') },
  missingWarn: import.meta.env.DEV,
  fallbackWarn: import.meta.env.DEV,
})

const current = ref<Language>(i18n.global.locale.value)

/** The UI's language now (reactive). */
export const language = computed(() => current.value)

/** Element Plus's texts in the UI's language (for ElConfigProvider). */
export const elementLocale = computed(() => (current.value === 'en' ? elementEn : elementZhCn))

export function setLanguage(lang: Language): void {
  current.value = lang
  i18n.global.locale.value = lang
  try {
    globalThis.localStorage?.setItem(storageKey, lang)
  } catch {
    // private mode: the choice lasts for this page only
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang
}

setLanguage(current.value)

/** Formats a whole number for the UI's language (thousands separated). */
export function formatNumber(n: number): string {
  return new Intl.NumberFormat(current.value).format(n)
}

/** Formats a date (YYYY-MM-DD) or an instant (ISO 8601) for the UI's language. */
export function formatDate(iso: string, withTime = false): string {
  if (!iso) return ''
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso)
  const d = new Date(dateOnly ? `${iso}T00:00:00Z` : iso)
  if (Number.isNaN(d.getTime())) return iso
  const opts: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' }
  if (dateOnly) opts.timeZone = 'UTC'
  if (withTime && !dateOnly) Object.assign(opts, { hour: '2-digit', minute: '2-digit', hour12: false })
  // English shows dates as ISO 8601 (2026-12-06): the office's files write them so, and no
  // reader takes 12/06 for June.
  return new Intl.DateTimeFormat(current.value === 'en' ? 'sv-SE' : current.value, opts).format(d)
}
