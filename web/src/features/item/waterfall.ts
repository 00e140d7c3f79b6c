// The match explanation (an item's `explanation`: the prior and each field's weight, in bits
// of evidence, summing to the weight whose probability is the item's) as the steps of a
// waterfall: where each bar starts and ends, and its words ("身份证号完全一致: +19.9").
export interface Term {
  field: string
  level: string
  weight: number
}

export interface Explanation {
  terms: Term[]
  weight: number
  probability: number
}

/** The explanation of an item, if `raw` (the API's untyped `explanation`) is one. */
export function explanationOf(raw: unknown): Explanation | null {
  if (typeof raw !== 'object' || raw === null) return null
  const r = raw as Record<string, unknown>
  if (!Array.isArray(r['terms']) || typeof r['probability'] !== 'number') return null
  const terms: Term[] = []
  for (const t of r['terms'] as unknown[]) {
    if (typeof t !== 'object' || t === null) continue
    const { field, level, weight } = t as Record<string, unknown>
    if (typeof field !== 'string' || typeof weight !== 'number') continue
    terms.push({ field, level: typeof level === 'string' ? level : '', weight })
  }
  const weight = typeof r['weight'] === 'number' ? r['weight'] : terms.reduce((s, t) => s + t.weight, 0)
  return { terms, weight, probability: r['probability'] }
}

export interface Step {
  field: string
  level: string
  /** The bar's lower and upper ends (the running sum before and after). */
  from: number
  to: number
  delta: number
  kind: 'prior' | 'up' | 'down' | 'none' | 'total'
}

/** The steps: the prior from 0, each field from the running sum, the total from 0. */
export function waterfallSteps(e: Explanation): Step[] {
  const steps: Step[] = []
  let sum = 0
  for (const t of e.terms) {
    const from = sum
    sum += t.weight
    const kind: Step['kind'] = t.field === 'prior' ? 'prior' : t.weight > 0 ? 'up' : t.weight < 0 ? 'down' : 'none'
    steps.push({ field: t.field, level: t.level, from, to: sum, delta: t.weight, kind })
  }
  steps.push({ field: 'total', level: '', from: 0, to: e.weight, delta: e.weight, kind: 'total' })
  return steps
}

/** A signed number with one decimal: +19.9, −10.0 (the minus sign), 0.0. */
export function signed(n: number): string {
  const r = Math.round(n * 10) / 10
  if (r === 0) return '0.0'
  return `${r > 0 ? '+' : '\u2212'}${Math.abs(r).toFixed(1)}`
}

/** The bars of an ECharts stacked bar chart (stackStrategy 'all'): an invisible base from 0
 * to the bar's low end, and the visible bar from there to its high end. */
export function waterfallBars(steps: readonly Step[]): { base: number[]; value: number[] } {
  const base: number[] = []
  const value: number[] = []
  for (const s of steps) {
    const lo = Math.min(s.from, s.to)
    base.push(lo)
    value.push(Math.max(s.from, s.to) - lo)
  }
  return { base, value }
}

/** The level's key in the word table (item.level.*): "levenshtein<=1" -> levenshtein. */
export function levelKey(level: string): string {
  if (level.startsWith('lambda')) return 'prior'
  const m = /^[a-z_]+/.exec(level)
  return m ? m[0] : level
}

/** The number after a level's operator ("levenshtein<=1" -> "1"), or ''. */
export function levelParameter(level: string): string {
  const m = /(<=|>=)\s*([\d.]+)$/.exec(level)
  return m ? m[2]! : ''
}
