// The statistics comparison's columns in words: each column of the report
// (GET /api/v1/reports/statistics) is a source (the register, a department, all departments,
// the manual report, the register after review) and a measure (total, births, deaths, linked,
// a difference). The words come from the word table; the figures are the server's.

export const statSources = [
  'after_approved',
  'after_all',
  'reg',
  'police_population',
  'police_births',
  'vaccinations',
  'cremations',
  'death_certificates',
  'departments',
  'manual',
] as const
export const statMeasures = ['diff_total', 'diff_births', 'diff_deaths', 'total', 'births', 'deaths', 'persons', 'linked'] as const

export type StatSource = (typeof statSources)[number]
export type StatMeasure = (typeof statMeasures)[number]

export interface ColumnParts {
  source: StatSource
  measure: StatMeasure
}

/** The source and measure of a figure's column, or null for another column (level, code...). */
export function columnParts(column: string): ColumnParts | null {
  for (const source of statSources) {
    if (!column.startsWith(`${source}_`)) continue
    const rest = column.slice(source.length + 1)
    const measure = statMeasures.find((m) => m === rest)
    if (measure) return { source, measure }
  }
  return null
}

type Translate = (key: string) => string

/** A column's heading: "source · measure" for a figure, the word for the others. */
export function columnLabel(column: string, t: Translate): string {
  const p = columnParts(column)
  if (p) return `${t(`statistics.source.${p.source}`)} · ${t(`statistics.measure.${p.measure}`)}`
  if (column === 'level' || column === 'code' || column === 'name') return t(`statistics.column.${column}`)
  return column
}
