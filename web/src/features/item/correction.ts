// The correction a community worker sends with "verify" (POST /api/v1/items/{id}/review's
// `set`): which values may be set for an item's type, and each value checked as the server
// checks it (recon::CheckVerifiedValues) so that the form says what is wrong while it is
// typed. The server checks again and its answer is shown as it says it.
import type { ItemType } from '@/api/types'
import { checkIdNumber, type IdCheck } from '@/lib/idcard'

export const personFields = ['name', 'sex', 'birth_date', 'id_number', 'relation', 'ethnicity', 'mother_id_number', 'death_date', 'community_code'] as const
export const outcomeFields = ['outcome', 'date', 'destination', 'death_date'] as const
export type CorrectionField = (typeof personFields)[number] | (typeof outcomeFields)[number]

/** The fields a correction of an item of `type` may set. */
export function correctionFields(type: ItemType): readonly CorrectionField[] {
  return type === 'absent_from_source' ? outcomeFields : personFields
}

/** The field the correction starts with: the one the item is about. */
export function initialField(type: ItemType, field: string | undefined): CorrectionField {
  if (type === 'absent_from_source') return 'outcome'
  if (type === 'invalid_id_number') return 'id_number'
  if (type === 'unrecorded_death') return 'death_date'
  const f = (personFields as readonly string[]).includes(field ?? '') ? (field as CorrectionField) : 'name'
  return f
}

/** The fields a correction raised from the household card may set (recon/correct.h). */
export const cardFields = ['name', 'sex', 'birth_date', 'id_number', 'relation', 'ethnicity'] as const

export type ValueProblem =
  | { kind: 'empty' }
  | { kind: 'sex' }
  | { kind: 'date' }
  | { kind: 'future' }
  | { kind: 'community' }
  | { kind: 'outcome' }
  | { kind: 'id'; check: Extract<IdCheck, { ok: false }> }

/** A date as the server reads it: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD or 2020年1月2日;
 * returned as YYYY-MM-DD, or null. */
export function parseDate(text: string): string | null {
  const s = text.trim()
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s)
  if (!m) return null
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  const dt = new Date(Date.UTC(y, mo - 1, d))
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

const sexWords = new Set(['男', '女', 'M', 'F', 'm', 'f', '1', '2'])

/** What is wrong with `value` for `field`, or null when the server would take it. */
export function checkValue(field: CorrectionField, value: string, today: string): ValueProblem | null {
  const v = value.trim()
  if (v === '') return { kind: 'empty' }
  switch (field) {
    case 'sex':
      return sexWords.has(v) ? null : { kind: 'sex' }
    case 'birth_date':
    case 'death_date':
    case 'date': {
      const d = parseDate(v)
      if (!d) return { kind: 'date' }
      return d > today ? { kind: 'future' } : null
    }
    case 'id_number':
    case 'mother_id_number': {
      const c = checkIdNumber(v, today)
      return c.ok ? null : { kind: 'id', check: c }
    }
    case 'community_code':
      return /^\d{12}$/.test(v) ? null : { kind: 'community' }
    case 'outcome':
      return v === 'moved_out' || v === 'deceased' || v === 'present' ? null : { kind: 'outcome' }
    default:
      return null
  }
}

export interface CorrectionRow {
  field: CorrectionField
  value: string
}

/** The `set` object of the rows, or the first problem (its row's index). An outcome of
 * moved_out needs a date, deceased a death date (as the server says). */
export function correctionSet(
  rows: readonly CorrectionRow[],
  today: string,
): { ok: true; set: Record<string, string> } | { ok: false; index: number; problem: ValueProblem | { kind: 'needsDate' } | { kind: 'twice' } } {
  const set: Record<string, string> = {}
  for (const [i, r] of rows.entries()) {
    const p = checkValue(r.field, r.value, today)
    if (p) return { ok: false, index: i, problem: p }
    if (r.field in set) return { ok: false, index: i, problem: { kind: 'twice' } }
    set[r.field] = r.field === 'id_number' || r.field === 'mother_id_number' ? r.value.normalize('NFKC').replace(/\s+/g, '').toUpperCase() : r.value.trim()
  }
  if ((set['outcome'] === 'moved_out' && !set['date']) || (set['outcome'] === 'deceased' && !set['death_date'] && !set['date'])) {
    return { ok: false, index: rows.length - 1, problem: { kind: 'needsDate' } }
  }
  return { ok: true, set }
}

export type Problem = ValueProblem | { kind: 'needsDate' } | { kind: 'twice' }

/** A problem in words (item.problem.* and idCard.* of the word table). */
export function problemText(p: Problem | null, t: (key: string, named?: Record<string, unknown>) => string): string {
  if (!p) return ''
  if (p.kind === 'id') {
    const c = p.check
    return t(`idCard.${c.problem}`, { n: c.length, date: c.date ?? '', expected: c.expected ?? '' })
  }
  return t(`item.problem.${p.kind}`)
}
