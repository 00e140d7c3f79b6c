// The campaign reports (api/openapi.yaml, tag reports): progress, the monthly hand-over, the
// year-end assessment as tables and files, the bulletin (PDF), and the campaigns themselves.
import { api } from '@/api'
import type { Query } from '@/api/client'
import type { Campaign, ReportTable } from '@/api/types'
import type { components } from '@/api/schema'

export type ReportName = 'progress' | 'intake' | 'assessment'
export type CampaignChange = components['schemas']['CampaignChange']

export function reportPath(name: ReportName | 'bulletin'): string {
  return `/api/v1/reports/${name}`
}

export function reportTable(name: ReportName, query: Query): Promise<ReportTable> {
  return api.get<ReportTable>(reportPath(name), { ...query, format: 'json' })
}

export function addCampaign(change: CampaignChange): Promise<Campaign> {
  return api.post<Campaign>('/api/v1/campaigns', change)
}

export function changeCampaign(id: number, change: CampaignChange): Promise<Campaign> {
  return api.patch<Campaign>(`/api/v1/campaigns/${id}`, change)
}

export { listCampaigns } from '@/features/reports/api'
