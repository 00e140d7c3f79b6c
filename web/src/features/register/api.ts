// The register group of the API (api/openapi.yaml, tag register).
import { api } from '@/api'
import type { Area, AreasReply, TotalsReply } from '@/api/types'

export function registerTotals(options: { community?: string; asOf?: string } = {}): Promise<TotalsReply> {
  return api.get<TotalsReply>('/api/v1/totals', { community: options.community, as_of: options.asOf })
}

export async function listAreas(): Promise<Area[]> {
  return (await api.get<AreasReply>('/api/v1/areas')).areas
}
