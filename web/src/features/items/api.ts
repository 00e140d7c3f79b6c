// The items group of the API (api/openapi.yaml, tag items).
import { api } from '@/api'
import type { ItemPage, ItemStatus, ItemType } from '@/api/types'

export interface ItemFilter {
  community?: string
  type?: ItemType
  status?: ItemStatus
  comparison?: number
  search?: string
}

/** How many items match: one item's page with total=true (the server counts). */
export async function countItems(filter: ItemFilter): Promise<number> {
  const page = await api.get<ItemPage>('/api/v1/items', { ...filter, limit: 1, total: 'true' })
  return page.total ?? page.items.length
}
