/// <reference types="vitest/config" />
// The UI's build: Vue single-file components, Element Plus components imported by name with
// their styles added by unplugin-element-plus (only what the pages use is bundled), output to
// web/dist (index.html + hashed assets) for the binary to embed. The page has no inline script
// and loads nothing from another origin (popreg serve's Content-Security-Policy: script-src
// 'self', style-src 'self').
import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import ElementPlus from 'unplugin-element-plus/vite'
import { defineConfig } from 'vite'

export default defineConfig({
  base: '/',
  plugins: [vue(), ElementPlus({})],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything as files: a data: URI font would break font-src 'self'.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 700,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Libraries in chunks of their own, shared by the pages that use them (ECharts only by
        // the pages with charts).
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/ },
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|vue-i18n|@intlify)[\\/]/ },
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|@vueuse|lodash-es|lodash-unified|dayjs|async-validator|@ctrl)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    // `npm run dev` with a `popreg serve` on POPREG_URL (default http://127.0.0.1:8080).
    proxy: { '/api': process.env.POPREG_URL ?? 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
