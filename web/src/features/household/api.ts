// The household card: GET /api/v1/households/{card} (dwelling, persons, every change).
import { api } from '@/api'
import type { components } from '@/api/schema'

type Schemas = components['schemas']
export type Household = Schemas['Household'] & {
  persons: Schemas['Person'][]
  history: Schemas['HistoryRow'][]
}

export function getHousehold(card: string): Promise<Household> {
  return api.get<Household>(`/api/v1/households/${encodeURIComponent(card)}`)
}
