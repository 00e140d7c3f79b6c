// The web UI of `popreg serve`: everything it shows comes from the server's documented API
// (api/openapi.yaml); it is served by the binary and loads nothing from elsewhere.
import { createApp } from 'vue'
import 'element-plus/theme-chalk/base.css'
import './styles/theme.css'
import './styles/app.css'
import App from './App.vue'
import { i18n } from './i18n'
import { preloadPages } from './app/preload'
import { router } from './app/router'
import { setUpApi } from './app/setup'
import { loadSession } from './features/session/session'

setUpApi()
// The session and the first page's code are asked for together, at once; the router would ask
// for them one after the other. A failure here is met again, and said, by the router's guard.
loadSession().catch(() => undefined)
preloadPages(router, window.location.hash.slice(1) || '/')
createApp(App).use(i18n).use(router).mount('#app')
