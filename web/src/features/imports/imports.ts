// What the import page shows, read from the server's answers: the profiles that read a kind,
// an import job's result and its rejected rows (as a table and as a CSV made from them).
import type { Job } from '@/api/types'
import { toCsv } from '@/lib/download'
import type { Profile } from './api'

/** The kinds of the exchange format, in the order an office imports them. */
export const importKinds = [
  'areas',
  'register',
  'police_population',
  'police_births',
  'vaccinations',
  'cremations',
  'death_certificates',
  'manual_report',
] as const

/** The profiles that can read `kind` (those with a problem read none). */
export function profilesFor(profiles: readonly Profile[], kind: string): Profile[] {
  return profiles.filter((p) => p.problem === null && p.kinds.includes(kind))
}

export interface RejectRow {
  file: string
  row: number | null
  column: string
  value: string
  reason: string
}

export interface ImportResult {
  import: number | null
  fileName: string
  alreadyImported: boolean
  rows: number
  imported: number
  rejected: number
  month: string
  monthSource: string
  community: string
  rejects: RejectRow[]
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v)
}
function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0
}

/** An import job's result (GET /api/v1/jobs/{id} of a succeeded import), or null. */
export function importResult(job: Job | null): ImportResult | null {
  if (!job || job.state !== 'succeeded' || typeof job.result !== 'object' || job.result === null) return null
  const r = job.result as Record<string, unknown>
  const fileName = str(r['file_name'])
  const list = Array.isArray(r['first_rejects']) ? (r['first_rejects'] as unknown[]) : []
  return {
    import: typeof r['import'] === 'number' ? r['import'] : null,
    fileName,
    alreadyImported: r['already_imported'] === true,
    rows: int(r['rows']),
    imported: int(r['imported']),
    rejected: int(r['rejected']),
    month: str(r['month']),
    monthSource: str(r['month_source']),
    community: str(r['community']),
    rejects: list.map((x) => {
      const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>
      return {
        file: fileName,
        row: typeof o['row'] === 'number' ? o['row'] : null,
        column: str(o['column']),
        value: str(o['value']),
        reason: str(o['reason']),
      }
    }),
  }
}

/** The rejected rows as a CSV file (columns named in the UI's language). */
export function rejectsCsv(rejects: readonly RejectRow[], headers: readonly [string, string, string, string, string]): string {
  return toCsv(headers, rejects.map((r) => [r.file, r.row ?? '', r.column, r.value, r.reason]))
}

/** The CSV's file name: the upload's name without its extension, then "-rejects.csv". */
export function rejectsFileName(fileName: string): string {
  const base = fileName.replace(/\.[^./\\]*$/, '') || 'import'
  return `${base}-rejects.csv`
}
