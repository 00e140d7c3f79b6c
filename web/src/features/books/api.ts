// The household-card books (api/openapi.yaml, tag reports): a job that prints a community's or
// township's books, whose PDFs are then fetched from the job (GET /api/v1/jobs/{id}/files/{name}).
import { api } from '@/api'
import type { JobStarted } from '@/api/types'

export function printBooks(community: string, asOf?: string): Promise<JobStarted> {
  return api.post<JobStarted>('/api/v1/books', { community, as_of: asOf || undefined })
}

export function bookFilePath(job: number, name: string): string {
  return `/api/v1/jobs/${job}/files/${encodeURIComponent(name)}`
}

export { listAreas } from '@/features/register/api'
