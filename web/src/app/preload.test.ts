import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { preloadPages } from './preload'

describe('preloadPages', () => {
  it("starts loading the layout and the page of a path, and nothing else", async () => {
    const empty = { render: () => null }
    const layout = vi.fn(() => Promise.resolve(empty))
    const worklist = vi.fn(() => Promise.resolve(empty))
    const other = vi.fn(() => Promise.resolve(empty))
    const functional = Object.assign(() => null, { displayName: 'Plain' })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        {
          path: '/',
          component: layout,
          children: [
            { path: 'worklist', component: worklist },
            { path: 'other', component: other },
            { path: 'plain', component: functional },
          ],
        },
      ],
    })
    preloadPages(router, '/worklist?type=missing_in_register')
    expect(layout).toHaveBeenCalledOnce()
    expect(worklist).toHaveBeenCalledOnce()
    expect(other).not.toHaveBeenCalled()
    preloadPages(router, '/plain')
    expect(layout).toHaveBeenCalledTimes(2)
  })

  it('keeps quiet when the code fails to load (the router says so when it loads it)', async () => {
    const failing = vi.fn(() => Promise.reject(new Error('offline')))
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/x', component: failing }],
    })
    preloadPages(router, '/x')
    await Promise.resolve()
    expect(failing).toHaveBeenCalledOnce()
  })

  it('does nothing for a path no page has', () => {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/x', component: { render: () => null } }] })
    expect(() => preloadPages(router, '/nowhere')).not.toThrow()
  })
})
