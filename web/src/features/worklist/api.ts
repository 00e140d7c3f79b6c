// The worklist's calls: a page of items (keyset), reviewing one item or many, the export.
import { api, withQuery } from '@/api'
import type { Item, ItemPage } from '@/api/types'
import type { ItemAction } from '@/features/item/actions'

export type ReviewAction = Extract<ItemAction, 'verify' | 'dispute' | 'approve' | 'reject' | 'reopen'>

export function listItems(query: Record<string, string>, after: string | null, limit: number, signal?: AbortSignal): Promise<ItemPage> {
  return api.get<ItemPage>('/api/v1/items', { ...query, after, limit, total: after ? undefined : 'true' }, signal)
}

export interface ReviewReply {
  changed: number
  skipped: string[]
  item: Item
}

/** POST /api/v1/items/{id}/review. */
export function reviewItem(id: number, action: ReviewAction, note?: string, set?: Record<string, string>): Promise<ReviewReply> {
  return api.post<ReviewReply>(`/api/v1/items/${id}/review`, { action, note: note || undefined, set })
}

export interface ReviewManyReply {
  changed: number
  skipped: string[]
}

/** POST /api/v1/reviews: every item the selection names (ids ticked, or a type, community,
 * household and least probability), all or none. */
export function reviewMany(
  action: ReviewAction,
  selection: { items?: number[]; type?: string; community?: string; household?: string; min_probability?: number },
  note?: string,
): Promise<ReviewManyReply> {
  return api.post<ReviewManyReply>('/api/v1/reviews', { action, note: note || undefined, ...selection })
}

/** The address of the discrepancy workbook (a download: the browser keeps the session). */
export function exportHref(query: Record<string, string>): string {
  return withQuery('/api/v1/reports/discrepancies', query)
}
