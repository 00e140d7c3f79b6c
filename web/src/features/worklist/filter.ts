// The worklist's filter and its place in the URL (#/worklist?type=...&status=...), so that a
// filtered list can be shared; and what of it each route takes: GET /api/v1/items takes all of
// it, the export (GET /api/v1/reports/discrepancies) only community, type and status, and the
// bulk review (POST /api/v1/reviews) type, community, household and min_probability.
import type { ItemStatus, ItemType } from '@/api/types'
import { itemStatuses, itemTypes } from '@/api/types'

export const sortKeys = ['id', 'type', 'community', 'probability', 'status', 'updated'] as const
export type SortKey = (typeof sortKeys)[number]
export type SortOrder = 'asc' | 'desc'

export interface WorklistFilter {
  type?: ItemType
  community?: string
  status?: ItemStatus
  /** The least match probability shown, 0..1. */
  minProbability?: number
  /** An ID number, card number, person key or exact name (the API's `search`). */
  search?: string
  sort: SortKey
  order: SortOrder
}

export const defaultFilter: Readonly<WorklistFilter> = { sort: 'id', order: 'asc' }

type QueryValue = string | null | undefined | (string | null)[]

function one(v: QueryValue): string | undefined {
  const s = Array.isArray(v) ? v[0] : v
  return s === null || s === undefined || s === '' ? undefined : s
}

function oneOf<T extends string>(list: readonly T[], v: QueryValue): T | undefined {
  const s = one(v)
  return s !== undefined && (list as readonly string[]).includes(s) ? (s as T) : undefined
}

/** The filter a route's query names; what is not understood is left out. */
export function filterFromQuery(query: Record<string, QueryValue>): WorklistFilter {
  const f: WorklistFilter = { ...defaultFilter }
  const type = oneOf(itemTypes, query['type'])
  if (type) f.type = type
  const status = oneOf(itemStatuses, query['status'])
  if (status) f.status = status
  const community = one(query['community'])
  if (community && /^\d{6,12}$/.test(community)) f.community = community
  const search = one(query['q'])?.trim()
  if (search) f.search = search
  const p = Number(one(query['p']))
  if (one(query['p']) !== undefined && Number.isFinite(p) && p > 0 && p <= 1) f.minProbability = p
  f.sort = oneOf(sortKeys, query['sort']) ?? defaultFilter.sort
  f.order = oneOf(['asc', 'desc'] as const, query['order']) ?? defaultFilter.order
  return f
}

/** The query that names `f` (defaults left out, so the plain list has a plain URL). */
export function filterToQuery(f: WorklistFilter): Record<string, string> {
  const q: Record<string, string> = {}
  if (f.type) q['type'] = f.type
  if (f.community) q['community'] = f.community
  if (f.status) q['status'] = f.status
  if (f.minProbability !== undefined) q['p'] = String(f.minProbability)
  if (f.search) q['q'] = f.search
  if (f.sort !== defaultFilter.sort) q['sort'] = f.sort
  if (f.order !== defaultFilter.order) q['order'] = f.order
  return q
}

/** The parameters of GET /api/v1/items for `f` (without the page's `after` and `limit`). */
export function listQuery(f: WorklistFilter): Record<string, string> {
  const q: Record<string, string> = { sort: f.sort, order: f.order }
  if (f.type) q['type'] = f.type
  if (f.community) q['community'] = f.community
  if (f.status) q['status'] = f.status
  if (f.search) q['search'] = f.search
  if (f.minProbability !== undefined) q['min_probability'] = String(f.minProbability)
  return q
}

export interface ExportPlan {
  query: Record<string, string>
  /** The parts of the filter the export cannot take (it then holds more than the list). */
  dropped: ('search' | 'minProbability')[]
}

/** GET /api/v1/reports/discrepancies's parameters for the list's filter, as a workbook. */
export function exportPlan(f: WorklistFilter): ExportPlan {
  const query: Record<string, string> = { format: 'xlsx' }
  if (f.community) query['community'] = f.community
  if (f.type) query['type'] = f.type
  if (f.status) query['status'] = f.status
  const dropped: ExportPlan['dropped'] = []
  if (f.search) dropped.push('search')
  if (f.minProbability !== undefined) dropped.push('minProbability')
  return { query, dropped }
}

/** A card number (16 digits) the search names, if it is one: POST /api/v1/reviews takes it as
 * `household`. */
export function householdOf(search: string | undefined): string | undefined {
  return search && /^\d{16}$/.test(search) ? search : undefined
}

export interface BulkPlan {
  body: { type?: ItemType; community?: string; household?: string; min_probability?: number }
  /** Whether the list's filter says more than POST /api/v1/reviews can select by (a status,
   * a search that is not a card): then the bulk action is offered for the selected rows only. */
  exact: boolean
}

/** The selection of POST /api/v1/reviews that is the list's filter. */
export function bulkPlan(f: WorklistFilter): BulkPlan {
  const body: BulkPlan['body'] = {}
  if (f.type) body.type = f.type
  if (f.community) body.community = f.community
  const household = householdOf(f.search)
  if (household) body.household = household
  if (f.minProbability !== undefined) body.min_probability = f.minProbability
  const exact = !f.status && (!f.search || household !== undefined) && Object.keys(body).length > 0
  return { body, exact }
}
