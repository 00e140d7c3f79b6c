// The statistics comparison (api/openapi.yaml, tag reports) as a table and as files.
import { api } from '@/api'
import type { Query } from '@/api/client'
import type { ReportTable } from '@/api/types'

export const statisticsPath = '/api/v1/reports/statistics'

export interface StatisticsQuery {
  asOf: string
  since?: string
  level: 'community' | 'township' | 'district'
  area?: string
  layout: 'standard' | 'manual'
}

/** The report's query in `format` (json: the table shown; the others: its files). */
export function statisticsQuery(q: StatisticsQuery, format: 'json' | 'xlsx' | 'pdf' | 'csv'): Query {
  return {
    as_of: q.asOf,
    since: q.since,
    level: q.level,
    area: q.area,
    layout: q.layout === 'manual' ? 'manual' : undefined,
    format,
  }
}

export function statisticsTable(q: StatisticsQuery): Promise<ReportTable> {
  return api.get<ReportTable>(statisticsPath, statisticsQuery(q, 'json'))
}
