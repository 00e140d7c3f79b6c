// The reports group of the API (api/openapi.yaml, tag reports): campaigns and the report
// tables (format=json: {columns, rows}, the report's own CSV).
import { api } from '@/api'
import type { Campaign, CampaignsReply, ReportTable } from '@/api/types'

export async function listCampaigns(): Promise<Campaign[]> {
  return (await api.get<CampaignsReply>('/api/v1/campaigns')).campaigns
}

/** A campaign's progress per community and milestone (default: the newest campaign). */
export function progressReport(options: { campaign?: string | number; asOf?: string } = {}): Promise<ReportTable> {
  return api.get<ReportTable>('/api/v1/reports/progress', { campaign: options.campaign, as_of: options.asOf, format: 'json' })
}

/** The monthly hand-over, every month of the campaign up to last month. */
export function intakeReport(options: { month?: string; campaign?: string | number; asOf?: string } = {}): Promise<ReportTable> {
  return api.get<ReportTable>('/api/v1/reports/intake', {
    month: options.month,
    campaign: options.campaign,
    as_of: options.asOf,
    format: 'json',
  })
}

/** The statistics comparison of the comparison as of `asOf` (one must exist for that day). */
export function statisticsReport(options: {
  asOf: string
  since?: string
  level?: 'community' | 'township' | 'district'
  area?: string
}): Promise<ReportTable> {
  return api.get<ReportTable>('/api/v1/reports/statistics', {
    as_of: options.asOf,
    since: options.since,
    level: options.level,
    area: options.area,
    format: 'json',
  })
}
