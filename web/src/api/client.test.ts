import { describe, expect, it, vi } from 'vitest'
import { ApiClient, acceptLanguage, withQuery } from './client'
import { ApiError } from './errors'

interface Call {
  url: string
  init: RequestInit
}

/** A fetch that answers each call with the next of `answers` and records the calls. */
function fakeFetch(...answers: (Response | Error)[]) {
  const calls: Call[] = []
  const fn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} })
    const a = answers.shift()
    if (!a) throw new Error('no answer left')
    if (a instanceof Error) throw a
    return a
  })
  return { fn: fn as unknown as typeof fetch, calls }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

function headers(c: Call): Record<string, string> {
  return c.init.headers as Record<string, string>
}

describe('ApiClient', () => {
  it('turns the error shape into an ApiError with the server\'s message, code and details', async () => {
    const { fn } = fakeFetch(
      json(409, { error: { code: 'conflict', message: '与其他操作冲突，请刷新后重试：item 3 changed', details: { reason: 'item 3 changed', item: 3 } } }),
    )
    const client = new ApiClient(fn)
    const e = await client.post('/api/v1/items/3/review', { action: 'verify' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ApiError)
    const err = e as ApiError
    expect(err.status).toBe(409)
    expect(err.code).toBe('conflict')
    expect(err.message).toBe('与其他操作冲突，请刷新后重试：item 3 changed')
    expect(err.reason).toBe('item 3 changed')
    expect(err.details['item']).toBe(3)
  })

  it('an answer that is not the error shape is bad_response, no answer is network', async () => {
    const { fn } = fakeFetch(new Response('<html>Bad gateway</html>', { status: 502 }), new TypeError('Failed to fetch'))
    const client = new ApiClient(fn)
    const a = (await client.get('/api/v1/health').catch((x: unknown) => x)) as ApiError
    expect([a.code, a.status, a.message]).toEqual(['bad_response', 502, ''])
    const b = (await client.get('/api/v1/health').catch((x: unknown) => x)) as ApiError
    expect([b.code, b.status]).toEqual(['network', 0])
  })

  it('sends the CSRF token on every request that changes something, never on a read', async () => {
    const { fn, calls } = fakeFetch(json(200, {}), json(200, {}), json(200, {}), json(200, {}), new Response(null, { status: 204 }))
    const client = new ApiClient(fn)
    client.configure({ csrfToken: () => 'tok-1' })
    await client.get('/api/v1/items')
    await client.post('/api/v1/reviews', { action: 'approve' })
    await client.patch('/api/v1/users/li', { disabled: true })
    await client.upload('/api/v1/imports', new Blob(['a,b\n']), { kind: 'register' })
    expect(await client.delete('/api/v1/session')).toBeUndefined()
    expect(calls.map((c) => headers(c)['X-CSRF-Token'])).toEqual([undefined, 'tok-1', 'tok-1', 'tok-1', 'tok-1'])
    expect(calls.map((c) => c.init.method)).toEqual(['GET', 'POST', 'PATCH', 'POST', 'DELETE'])
    expect(calls.every((c) => c.init.credentials === 'same-origin')).toBe(true)
  })

  it('sends no CSRF header before signing in', async () => {
    const { fn, calls } = fakeFetch(json(201, {}))
    const client = new ApiClient(fn)
    await client.post('/api/v1/session', { login: 'a', password: 'b' }, { authRedirect: false })
    expect(headers(calls[0]!)['X-CSRF-Token']).toBeUndefined()
    expect(headers(calls[0]!)['Content-Type']).toBe('application/json')
    expect(calls[0]!.init.body).toBe('{"login":"a","password":"b"}')
  })

  it('asks for the UI\'s language', async () => {
    const { fn, calls } = fakeFetch(json(200, {}), json(200, {}))
    let lang = 'zh-CN'
    const client = new ApiClient(fn)
    client.configure({ language: () => lang })
    await client.get('/a')
    lang = 'en'
    await client.get('/a')
    expect(headers(calls[0]!)['Accept-Language']).toBe(acceptLanguage('zh-CN'))
    expect(headers(calls[1]!)['Accept-Language']).toBe(acceptLanguage('en'))
    expect(acceptLanguage('en').startsWith('en')).toBe(true)
    expect(acceptLanguage('zh-CN').startsWith('zh-CN')).toBe(true)
  })

  it('a 401 tells onUnauthenticated, except where asked not to (signing in)', async () => {
    const body = { error: { code: 'unauthenticated', message: '未登录或登录已过期，请重新登录', details: { reason: 'no valid session' } } }
    const { fn } = fakeFetch(json(401, body), json(401, body))
    const seen: ApiError[] = []
    const client = new ApiClient(fn)
    client.configure({ onUnauthenticated: (e) => seen.push(e) })
    await expect(client.get('/api/v1/items')).rejects.toMatchObject({ status: 401, code: 'unauthenticated' })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.message).toBe('未登录或登录已过期，请重新登录')
    await expect(client.post('/api/v1/session', {}, { authRedirect: false })).rejects.toMatchObject({ status: 401 })
    expect(seen).toHaveLength(1)
  })

  it('uploads the file as the raw body, what it is in the query', async () => {
    const { fn, calls } = fakeFetch(json(202, { job: 7, href: '/api/v1/jobs/7' }))
    const client = new ApiClient(fn)
    const file = new Blob(['身份证号,姓名\n'], { type: 'text/csv' })
    const r = await client.upload<{ job: number }>('/api/v1/imports', file, { kind: 'police_births', name: '出生 9月.csv', month: '2026-09', profile: undefined })
    expect(r.job).toBe(7)
    expect(calls[0]!.url).toBe('/api/v1/imports?kind=police_births&name=%E5%87%BA%E7%94%9F+9%E6%9C%88.csv&month=2026-09')
    expect(calls[0]!.init.body).toBe(file)
    expect(headers(calls[0]!)['Content-Type']).toBe('application/octet-stream')
  })

  it('builds queries from the set values only', () => {
    expect(withQuery('/x', { a: 1, b: '', c: null, d: undefined, e: true })).toBe('/x?a=1&e=true')
    expect(withQuery('/x?y=1', { a: 'b c' })).toBe('/x?y=1&a=b+c')
    expect(withQuery('/x', {})).toBe('/x')
  })
})
