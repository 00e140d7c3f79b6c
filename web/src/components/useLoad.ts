// Loads what a page or panel shows, keeping loading, error and data apart so that each has its
// own state on screen; `reload` runs it again (the error state's "try again").
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'

export interface Load<T> {
  data: ShallowRef<T | null>
  error: Ref<unknown>
  loading: Ref<boolean>
  reload: () => Promise<void>
}

export function useLoad<T>(fn: () => Promise<T>, immediate = true): Load<T> {
  const data = shallowRef<T | null>(null)
  const error = ref<unknown>(null)
  const loading = ref(false)
  let generation = 0
  const reload = async () => {
    const mine = ++generation
    loading.value = true
    error.value = null
    try {
      const value = await fn()
      if (mine === generation) data.value = value
    } catch (e) {
      if (mine === generation) error.value = e
    } finally {
      if (mine === generation) loading.value = false
    }
  }
  if (immediate) void reload()
  return { data, error, loading, reload }
}
