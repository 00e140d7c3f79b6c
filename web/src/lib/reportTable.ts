// The report routes answer {"columns": [...], "rows": [[...]]} (the report's own CSV read back,
// every cell a string). These read such a table by column name, without changing a figure.
import type { ReportTable } from '@/api/types'

export type ReportRecord = Readonly<Record<string, string>>

/** Each row as a record by column name (a missing cell is ''). */
export function records(table: ReportTable): ReportRecord[] {
  return table.rows.map((row) => {
    const r: Record<string, string> = {}
    table.columns.forEach((c, i) => {
      r[c] = row[i] ?? ''
    })
    return r
  })
}

/** A cell as a number; null when it is empty or not a number (not reported, not counted). */
export function num(cell: string | undefined): number | null {
  if (cell === undefined || cell.trim() === '') return null
  const n = Number(cell)
  return Number.isFinite(n) ? n : null
}

/** A cell as a number, 0 when empty. */
export function count(cell: string | undefined): number {
  return num(cell) ?? 0
}
