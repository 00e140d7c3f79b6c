// A download button's state: which file is being fetched, and the error of the last one (shown
// in words next to the buttons; the page itself stays as it was).
import { ref, type Ref } from 'vue'
import type { Query } from '@/api/client'
import { downloadFile, type Downloaded } from '@/lib/download'

export interface Download {
  busy: Ref<string | null>
  error: Ref<unknown>
  last: Ref<Downloaded | null>
  run: (key: string, path: string, query: Query | undefined, fallbackName: string) => Promise<void>
}

export function useDownload(): Download {
  const busy = ref<string | null>(null)
  const error = ref<unknown>(null)
  const last = ref<Downloaded | null>(null)
  const run = async (key: string, path: string, query: Query | undefined, fallbackName: string) => {
    busy.value = key
    error.value = null
    try {
      last.value = await downloadFile(path, query, fallbackName)
    } catch (e) {
      error.value = e
    } finally {
      busy.value = null
    }
  }
  return { busy, error, last, run }
}
