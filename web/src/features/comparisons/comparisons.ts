// What a comparison job found, read from its result without changing a figure: the items in
// all, the new ones, the resolved ones, and the items by type (in the API's order of types).
import type { Comparison, Job, ItemType } from '@/api/types'
import { itemTypes } from '@/api/types'

export interface ComparisonSummary {
  comparison: number | null
  items: number
  new: number
  resolved: number
  byType: { type: string; count: number }[]
}

/** The summary of a succeeded comparison job, or null. */
export function comparisonSummary(job: Job | null): ComparisonSummary | null {
  if (!job || job.state !== 'succeeded' || typeof job.result !== 'object' || job.result === null) return null
  const r = job.result as Record<string, unknown>
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
  const raw = typeof r['by_type'] === 'object' && r['by_type'] !== null ? (r['by_type'] as Record<string, unknown>) : {}
  const known = itemTypes.filter((t) => t in raw).map((t) => ({ type: t as string, count: n(raw[t]) }))
  const others = Object.keys(raw)
    .filter((k) => !(itemTypes as readonly string[]).includes(k))
    .sort()
    .map((k) => ({ type: k, count: n(raw[k]) }))
  return {
    comparison: typeof r['comparison'] === 'number' ? r['comparison'] : null,
    items: n(r['items']),
    new: n(r['new']),
    resolved: n(r['resolved']),
    byType: [...known, ...others],
  }
}

/** Whether `type` is one the UI has a name for. */
export function isItemType(type: string): type is ItemType {
  return (itemTypes as readonly string[]).includes(type)
}

/** A comparison job of the user's still running (the newest), to show again after a reload. */
export function runningComparison(jobs: readonly Job[]): Job | null {
  return jobs.filter((j) => j.kind === 'compare' && j.state === 'running').sort((a, b) => b.id - a.id)[0] ?? null
}

/** The comparisons newest first. */
export function newestFirst(list: readonly Comparison[]): Comparison[] {
  return [...list].sort((a, b) => b.id - a.id)
}
