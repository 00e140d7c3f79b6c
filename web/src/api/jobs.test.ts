import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import { ApiClient } from './client'
import { ApiError } from './errors'
import { pollJob, useJob } from './jobs'
import type { Job } from './types'

function job(over: Partial<Job>): Job {
  return {
    id: 5,
    kind: 'import',
    started_by: 'clerk',
    state: 'running',
    stage: 'reading',
    done: 0,
    total: 100,
    eta_seconds: null,
    started_at: '2026-12-06T03:00:00Z',
    finished_at: null,
    cancel_requested: false,
    result: null,
    error: null,
    ...over,
  }
}

/** A client whose GET /api/v1/jobs/5 answers the next of `states` (an Error: no answer). */
function clientAnswering(states: (Job | Error)[]) {
  const urls: string[] = []
  const fetchFn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    urls.push(`${init?.method} ${String(url)}`)
    if (init?.method === 'DELETE') return new Response(JSON.stringify(job({ cancel_requested: true })), { status: 202 })
    const s = states.length > 1 ? states.shift()! : states[0]!
    if (s instanceof Error) throw s
    return new Response(JSON.stringify(s), { status: 200 })
  }) as unknown as typeof fetch
  return { client: new ApiClient(fetchFn), urls }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('pollJob', () => {
  it('reads the job until it is no longer running, reporting every state', async () => {
    const { client, urls } = clientAnswering([
      job({ done: 0 }),
      job({ done: 40, stage: 'importing', eta_seconds: 3 }),
      job({ state: 'succeeded', done: 100, result: { imported: 100 } }),
    ])
    const seen: number[] = []
    const done = pollJob(client, 5, { intervalMs: 100, onUpdate: (j) => seen.push(j.done) })
    await vi.runAllTimersAsync()
    const last = await done
    expect(last.state).toBe('succeeded')
    expect(seen).toEqual([0, 40, 100])
    expect(urls).toEqual(['GET /api/v1/jobs/5', 'GET /api/v1/jobs/5', 'GET /api/v1/jobs/5'])
  })

  it('a failed job resolves with its error; the reader decides what to say', async () => {
    const { client } = clientAnswering([job({ state: 'failed', error: { code: 'invalid_argument', message: 'row 4: bad date' } })])
    const last = await pollJob(client, 5)
    expect(last.error?.message).toBe('row 4: bad date')
  })

  it('retries a read that got no answer, then gives up', async () => {
    const { client } = clientAnswering([new TypeError('offline'), job({ state: 'succeeded' })])
    const ok = pollJob(client, 5, { intervalMs: 10 })
    await vi.runAllTimersAsync()
    expect((await ok).state).toBe('succeeded')

    const down = clientAnswering([new TypeError('offline')])
    const failed = pollJob(down.client, 5, { intervalMs: 10, retries: 2 }).catch((e: unknown) => e)
    await vi.runAllTimersAsync()
    const e = (await failed) as ApiError
    expect(e).toBeInstanceOf(ApiError)
    expect(e.code).toBe('network')
  })

  it('stops when aborted', async () => {
    const { client } = clientAnswering([job({})])
    const c = new AbortController()
    const p = pollJob(client, 5, { intervalMs: 1000, signal: c.signal }).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(10)
    c.abort()
    const e = (await p) as DOMException
    expect(e.name).toBe('AbortError')
  })
})

describe('useJob', () => {
  it('gives progress, stage and ETA, and stops with its scope', async () => {
    const { client, urls } = clientAnswering([
      job({ done: 25, stage: 'linking', eta_seconds: 12.5 }),
      job({ done: 50, stage: 'linking', eta_seconds: 6 }),
      job({ done: 50, stage: 'linking', eta_seconds: 6 }),
    ])
    const id = ref<number | null>(null)
    const scope = effectScope()
    const p = scope.run(() => useJob(client, id, { intervalMs: 100 }))!
    expect(p.job.value).toBeNull()
    expect(p.percent.value).toBeNull()
    id.value = 5
    await nextTick()
    await vi.advanceTimersByTimeAsync(0)
    expect(p.percent.value).toBe(25)
    expect(p.stage.value).toBe('linking')
    expect(p.etaSeconds.value).toBe(12.5)
    expect(p.running.value).toBe(true)
    await vi.advanceTimersByTimeAsync(100)
    expect(p.percent.value).toBe(50)
    const before = urls.length
    scope.stop()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(urls.length).toBe(before)
  })

  it('cancel asks the server (DELETE) and shows what it answered', async () => {
    const { client, urls } = clientAnswering([job({ done: 10 })])
    const scope = effectScope()
    const p = scope.run(() => useJob(client, 5, { intervalMs: 100 }))!
    await vi.advanceTimersByTimeAsync(0)
    await p.cancel()
    expect(urls).toContain('DELETE /api/v1/jobs/5')
    expect(p.job.value?.cancel_requested).toBe(true)
    scope.stop()
  })

  it('a total of 0 is unknown progress until the job succeeds', async () => {
    const { client } = clientAnswering([job({ total: 0 }), job({ total: 0, state: 'succeeded' })])
    const scope = effectScope()
    const p = scope.run(() => useJob(client, 5, { intervalMs: 100 }))!
    await vi.advanceTimersByTimeAsync(0)
    expect(p.percent.value).toBeNull()
    await vi.advanceTimersByTimeAsync(100)
    expect(p.percent.value).toBe(100)
    expect(p.running.value).toBe(false)
    scope.stop()
  })
})
