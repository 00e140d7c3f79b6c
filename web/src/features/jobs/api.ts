// The jobs group of the API (api/openapi.yaml, tag jobs): comparisons, imports, jobs.
import { api } from '@/api'
import type { Comparison, ComparisonsReply } from '@/api/types'

export async function listComparisons(): Promise<Comparison[]> {
  return (await api.get<ComparisonsReply>('/api/v1/comparisons')).comparisons
}

/** The newest finished comparison (by id), or null. */
export function latestComparison(list: readonly Comparison[]): Comparison | null {
  let best: Comparison | null = null
  for (const c of list) {
    if (!c.finished_at) continue
    if (!best || c.id > best.id) best = c
  }
  return best
}
