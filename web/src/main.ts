// The web UI of `popreg serve`: everything it shows comes from the server's documented API
// (api/openapi.yaml); it is served by the binary and loads nothing from elsewhere.
import { createApp } from 'vue'
import 'element-plus/theme-chalk/base.css'
import './styles/theme.css'
import './styles/app.css'
import App from './App.vue'
import { i18n } from './i18n'
import { router } from './app/router'
import { setUpApi } from './app/setup'

setUpApi()
createApp(App).use(i18n).use(router).mount('#app')
