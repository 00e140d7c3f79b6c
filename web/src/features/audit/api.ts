// The audit group of the API (api/openapi.yaml, tag audit): the log a page at a time (keyset:
// the `next` of a page is the `after` of the one that follows) and the hash chain's check.
import { api } from '@/api'
import type { components } from '@/api/schema'

export type AuditEntry = components['schemas']['AuditEntry']

export interface AuditFilter {
  since?: string
  until?: string
  who?: string
  action?: string
  order?: 'asc' | 'desc'
}

export interface AuditPage {
  entries: AuditEntry[]
  next: number | null
}

export interface ChainCheck {
  rows: number
  intact: boolean
  first_broken_id?: number
  why?: string
}

export function auditPage(filter: AuditFilter, after: number | null, limit: number): Promise<AuditPage> {
  return api.get<AuditPage>('/api/v1/audit', {
    since: filter.since,
    until: filter.until,
    who: filter.who?.trim(),
    action: filter.action?.trim(),
    order: filter.order,
    after: after ?? undefined,
    limit,
  })
}

export function verifyAudit(): Promise<ChainCheck> {
  return api.get<ChainCheck>('/api/v1/audit/verify')
}
