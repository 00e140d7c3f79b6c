// The worklist's rows: keyset pages of GET /api/v1/items loaded as the list scrolls, for one
// filter at a time (a new filter starts again; an answer for an old one is dropped).
import { ref, shallowRef } from 'vue'
import type { Item } from '@/api/types'
import { listItems } from './api'
import { listQuery, type WorklistFilter } from './filter'

export const pageSize = 200

export function useWorklist() {
  const rows = shallowRef<Item[]>([])
  const total = ref<number | null>(null)
  const next = ref<string | null>(null)
  const done = ref(false)
  const loading = ref(false)
  const error = ref<unknown>(null)
  let filter: WorklistFilter | null = null
  let generation = 0
  let controller: AbortController | null = null

  function reset(f: WorklistFilter): Promise<void> {
    controller?.abort()
    controller = null
    generation++
    filter = f
    rows.value = []
    total.value = null
    next.value = null
    done.value = false
    loading.value = false
    error.value = null
    return more()
  }

  async function more(): Promise<void> {
    if (!filter || loading.value || done.value) return
    const mine = generation
    const f = filter
    const c = new AbortController()
    controller = c
    loading.value = true
    error.value = null
    try {
      const page = await listItems(listQuery(f), next.value, pageSize, c.signal)
      if (mine !== generation) return
      if (page.total !== undefined) total.value = page.total
      rows.value = page.items.length ? rows.value.concat(page.items) : rows.value
      next.value = page.next
      done.value = page.next === null
    } catch (e) {
      if (mine === generation && !(e instanceof DOMException && e.name === 'AbortError')) error.value = e
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** Puts the server's new state of an item in its row. */
  function replace(item: Item): void {
    const i = rows.value.findIndex((r) => r.id === item.id)
    if (i < 0) return
    const copy = rows.value.slice()
    copy[i] = item
    rows.value = copy
  }

  return { rows, total, next, done, loading, error, reset, more, replace }
}
