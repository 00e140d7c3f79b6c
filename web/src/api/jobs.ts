// Long work (an import, a comparison, applying, printing books) answers 202 with a job; its
// progress is read from GET /api/v1/jobs/{id} until it is no longer running. `pollJob` is the
// loop; `useJob` the composable a page shows a progress bar from.
import { computed, getCurrentScope, onScopeDispose, ref, shallowRef, toValue, watch } from 'vue'
import type { ComputedRef, MaybeRefOrGetter, Ref } from 'vue'
import type { ApiClient } from './client'
import { ApiError } from './errors'
import type { Job } from './types'

export interface PollOptions {
  /** The first wait between two reads, in ms; it grows by half up to `maxIntervalMs`. */
  intervalMs?: number
  maxIntervalMs?: number
  /** How many failed reads in a row (no answer) are retried before giving up. */
  retries?: number
  onUpdate?: (job: Job) => void
  signal?: AbortSignal
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('stopped', 'AbortError'))
      return
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort)
      resolve()
    }, ms)
    const abort = () => {
      clearTimeout(timer)
      reject(new DOMException('stopped', 'AbortError'))
    }
    signal?.addEventListener('abort', abort, { once: true })
  })
}

export function jobPath(id: number): string {
  return `/api/v1/jobs/${id}`
}

/** Reads the job until it is no longer running; resolves with its last state (succeeded,
 * failed or cancelled: a failed job resolves, its `error` says why). Rejects with the
 * ApiError of a read that failed (after `retries` network failures in a row), or an
 * AbortError when `signal` aborts. */
export async function pollJob(client: ApiClient, id: number, options: PollOptions = {}): Promise<Job> {
  const max = options.maxIntervalMs ?? 3000
  let wait = options.intervalMs ?? 500
  let failures = 0
  for (;;) {
    let job: Job
    try {
      job = await client.get<Job>(jobPath(id), undefined, options.signal)
      failures = 0
    } catch (e) {
      const retry = e instanceof ApiError && e.code === 'network' && failures < (options.retries ?? 3)
      if (!retry) throw e
      failures++
      await sleep(wait, options.signal)
      continue
    }
    options.onUpdate?.(job)
    if (job.state !== 'running') return job
    await sleep(wait, options.signal)
    wait = Math.min(max, Math.round(wait * 1.5))
  }
}

export interface JobProgress {
  job: Ref<Job | null>
  /** An error reading the job (not the job's own error: see job.error). */
  error: Ref<ApiError | null>
  state: ComputedRef<Job['state'] | null>
  stage: ComputedRef<string>
  /** done / total in 0..100, or null while the total is unknown. */
  percent: ComputedRef<number | null>
  /** Seconds left by the server's estimate, or null. */
  etaSeconds: ComputedRef<number | null>
  running: ComputedRef<boolean>
  /** Asks the server to cancel (DELETE /api/v1/jobs/{id}); the job then reads cancelled. */
  cancel: () => Promise<void>
  /** Stops polling (done by itself when the calling component's scope ends). */
  stop: () => void
}

/** Polls the job whose id `id` gives (null: none yet) and exposes its progress. */
export function useJob(client: ApiClient, id: MaybeRefOrGetter<number | null>, options: PollOptions = {}): JobProgress {
  const job = shallowRef<Job | null>(null)
  const error = ref<ApiError | null>(null)
  let controller: AbortController | null = null

  const stop = () => {
    controller?.abort()
    controller = null
  }

  const start = (jobId: number | null) => {
    stop()
    job.value = null
    error.value = null
    if (jobId === null) return
    const c = new AbortController()
    controller = c
    pollJob(client, jobId, {
      ...options,
      signal: c.signal,
      onUpdate: (j) => {
        if (!c.signal.aborted) job.value = j
        options.onUpdate?.(j)
      },
    }).catch((e: unknown) => {
      if (c.signal.aborted) return
      error.value = e instanceof ApiError ? e : new ApiError(0, 'network', '', { cause: String(e) })
    })
  }

  watch(() => toValue(id), start, { immediate: true })
  if (getCurrentScope()) onScopeDispose(stop)

  const percent = computed(() => {
    const j = job.value
    if (!j || j.total <= 0) return j && j.state === 'succeeded' ? 100 : null
    return Math.max(0, Math.min(100, Math.round((j.done / j.total) * 1000) / 10))
  })

  return {
    job,
    error,
    state: computed(() => job.value?.state ?? null),
    stage: computed(() => job.value?.stage ?? ''),
    percent,
    etaSeconds: computed(() => job.value?.eta_seconds ?? null),
    running: computed(() => job.value?.state === 'running'),
    stop,
    cancel: async () => {
      const jobId = toValue(id)
      if (jobId === null) return
      job.value = await client.delete<Job>(jobPath(jobId))
    },
  }
}

export interface JobLauncher {
  /** The job started (or found running), null before. */
  jobId: Ref<number | null>
  progress: JobProgress
  /** While the request that starts it is on its way. */
  sending: Ref<boolean>
  /** Why starting (or cancelling) was refused; null when it was not. */
  sendError: Ref<unknown>
  cancelling: Ref<boolean>
  /** Sends the request that starts a job (POST ... answering 202) and follows its job. */
  launch: (send: () => Promise<{ job: number }>) => Promise<void>
  /** Asks the server to cancel the job followed. */
  cancel: () => Promise<void>
}

/** What a page that starts long work needs: the request's state while it goes, the job's
 * progress after, and cancel; the same for an import, a comparison and printing books. */
export function useJobLauncher(client: ApiClient, options: PollOptions = {}): JobLauncher {
  const jobId = ref<number | null>(null)
  const progress = useJob(client, jobId, options)
  const sending = ref(false)
  const sendError = ref<unknown>(null)
  const cancelling = ref(false)
  return {
    jobId,
    progress,
    sending,
    sendError,
    cancelling,
    launch: async (send) => {
      sending.value = true
      sendError.value = null
      try {
        jobId.value = (await send()).job
      } catch (e) {
        sendError.value = e
      } finally {
        sending.value = false
      }
    },
    cancel: async () => {
      cancelling.value = true
      try {
        await progress.cancel()
      } catch (e) {
        sendError.value = e
      } finally {
        cancelling.value = false
      }
    },
  }
}
