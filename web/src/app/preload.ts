import type { Router } from 'vue-router'

/** Starts loading the code of the pages `path` shows (the layout and the page), so that it comes
 * while the session is being asked for instead of after it: the router loads a lazy page only
 * once its guard has passed. A function without `displayName` is a lazy page, as the router
 * tells them from functional components; a page whose code fails to load here fails again, and
 * is said, when the router loads it. */
export function preloadPages(router: Router, path: string): void {
  for (const record of router.resolve(path).matched) {
    const page = record.components?.default
    if (typeof page === 'function' && !('displayName' in page)) {
      void (page as () => Promise<unknown>)().catch(() => undefined)
    }
  }
}
