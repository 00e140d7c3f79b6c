// The comparisons of the API (api/openapi.yaml, tag jobs): start one, list them, find one
// still running after a reload (GET /api/v1/jobs: the user's own jobs).
import { api } from '@/api'
import type { Job, JobStarted } from '@/api/types'

export interface ComparisonOptions {
  asOf?: string
  since?: string
  /** A township or community code: only its items are kept (and resolved); empty = all. */
  area?: string
}

export function startComparison(o: ComparisonOptions): Promise<JobStarted> {
  return api.post<JobStarted>('/api/v1/comparisons', {
    as_of: o.asOf || undefined,
    since: o.since || undefined,
    area: o.area || undefined,
  })
}

export async function listJobs(): Promise<Job[]> {
  return (await api.get<{ jobs: Job[] }>('/api/v1/jobs')).jobs
}

export { listComparisons } from '@/features/jobs/api'
export { listAreas } from '@/features/register/api'
