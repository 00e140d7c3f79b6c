// The router and its guard: who may see which page. Before any page the session is asked for
// once; without one every page but sign-in sends there (and back afterwards); a user who must
// change a given password sees only that page; a page the role cannot use sends home.
import { createRouter, createWebHashHistory, type RouteLocationNormalized } from 'vue-router'
import { i18n } from '@/i18n'
import { loadSession, mustChangePassword, user } from '@/features/session/session'
import { homeOf } from './menu'
import { safeRedirect } from './redirect'
import { userMay } from './policy'
import { routes } from './routes'

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

export async function guard(to: RouteLocationNormalized) {
  try {
    await loadSession()
  } catch {
    // The server cannot be reached: the sign-in page says so when it tries.
    if (to.name !== 'signin') return { name: 'signin', query: { redirect: to.fullPath } }
    return true
  }
  const me = user.value
  if (to.meta.public) {
    if (me && to.name === 'signin') return mustChangePassword.value ? { name: 'password' } : { name: homeOf(me) }
    return true
  }
  if (!me) return { name: 'signin', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  if (mustChangePassword.value) {
    if (to.name === 'password') return true
    return { name: 'password', query: safeRedirect(to.fullPath) ? { redirect: to.fullPath } : {} }
  }
  if (to.name === 'password') return { name: homeOf(me) }
  if (to.name === 'home') return { name: homeOf(me) }
  if (to.meta.action && !userMay(me, to.meta.action)) return { name: homeOf(me) }
  return true
}

router.beforeEach(guard)

router.afterEach((to) => {
  const t = i18n.global.t
  const title = to.meta.title ? t(to.meta.title) : ''
  document.title = title ? `${title} · ${t('app.name')}` : t('app.name')
})
