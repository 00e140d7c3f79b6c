// The household card: GET /api/v1/households/{card} (dwelling, persons, every change), and a
// correction of a member proposed from it (POST /api/v1/corrections).
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

export type Item = Schemas['Item']

/** POST /api/v1/corrections: an item per value that differs from the card, verified by the
 * user, for a reviewer to approve. */
export async function raiseCorrection(person: string, set: Record<string, string>, note: string): Promise<Item[]> {
  return (await api.post<{ items: Item[] }>('/api/v1/corrections', { person, set, note })).items
}
