// The item page's calls: the item, the register persons it names, undo, apply, reveal.
import { api } from '@/api'
import type { components } from '@/api/schema'
import type { Item, JobStarted } from '@/api/types'

type Schemas = components['schemas']
export type ItemDetail = Schemas['ItemDetail']
export type Person = Schemas['Person']
export type HistoryRow = Schemas['HistoryRow']
export type Review = ItemDetail['reviews'][number]

export interface PersonHistory {
  person: Person
  keys: string[]
  merged_into: string | null
  history: HistoryRow[]
}

export function getItem(id: number): Promise<ItemDetail> {
  return api.get<ItemDetail>(`/api/v1/items/${id}`)
}

export function personHistory(key: string): Promise<PersonHistory> {
  return api.get<PersonHistory>('/api/v1/history', { person: key })
}

export function undoItem(id: number, note?: string): Promise<{ item: number; changes: number }> {
  return api.post(`/api/v1/items/${id}/undo`, { note: note || undefined })
}

export function applyItem(id: number, note?: string): Promise<JobStarted> {
  return api.post<JobStarted>('/api/v1/apply', { item: id, note: note || undefined })
}

export function revealIdNumber(person: string, reason: string): Promise<{ person: string; id_number: string; mother_id_number: string }> {
  return api.post('/api/v1/persons/reveal', { person, reason })
}

/** The other items of a household card (GET /api/v1/items?search=CARD). */
export async function householdItems(card: string): Promise<Item[]> {
  const page = await api.get<{ items: Item[] }>('/api/v1/items', { search: card, limit: 100 })
  return page.items
}

/** The card number of a register key CARD/NO. */
export function cardOf(key: string | undefined): string {
  return key ? (key.split('/')[0] ?? '') : ''
}
