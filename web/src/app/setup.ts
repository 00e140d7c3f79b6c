// Wires the API client to the app: the UI's language, the session's CSRF token, and what a
// 401 does (the session is gone: to the sign-in page with a word why, and back afterwards).
import { api } from '@/api'
import { language } from '@/i18n'
import { csrfToken, sessionEnded } from '@/features/session/session'
import { router } from './router'

export function setUpApi(): void {
  api.configure({
    language: () => language.value,
    csrfToken,
    onUnauthenticated: () => {
      sessionEnded()
      const here = router.currentRoute.value
      if (here.name === 'signin') return
      void router.replace({
        name: 'signin',
        query: { redirect: here.fullPath, expired: '1' },
      })
    },
  })
}
