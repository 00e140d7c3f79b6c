#!/usr/bin/env node
// The worklist of a real district in the browser (issue 15's "first page of a 100,000-item
// district in under 1 s, scrolls without dropped frames"); bench/web/worklist makes the store
// and starts the server, this drives Debian's Chromium (headless, playwright-core from web/,
// nothing downloaded) against it as the clerk, signed in through the sign-in page.
//
// It measures:
//   first page  navigation to the first worklist row painted: cold (a new browser context: no
//               cache, the app booted from nothing), reload (the same context again) and in-app
//               (the side menu's link from the dashboard, once it has all its answers and half a
//               second after it opened); RUNS of each; median and max; where the time went
//   scrolling   the list moved by scrollTop steps in requestAnimationFrame for SECONDS at each
//               speed of STEPS (px a frame), from the top on; every frame's interval, the frames
//               of 2 x 16.7 ms or more ("dropped"), rows passed, keyset pages fetched meanwhile,
//               frames in which the list stood at the end of the loaded rows waiting for a page
//   deep        to the 100,000th item (or the last): the list's end moved to each frame until the
//               row is loaded and painted; then scrolling up from there with every page in memory
//   memory      the page's JS heap and DOM nodes; the long animation frames' scripts
// Screenshots go to WORK/worklist-shots/. Exits 1 when the page shows an error, the server
// answers an API call with 5xx, or the page throws.
//
// usage: node bench/web/worklist.mjs URL WORK [SECONDS]
// environment: RUNS (5), STEPS ("240,960"), VIEWPORT ("1920x1080"), CHROMIUM (/usr/bin/chromium),
//              DEEP (100000: the item to jump to), TRACE (a file: a Chrome trace of the scrolling),
//              PROFILE (a file: the CPU profile of the second cold load, and its top functions)
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..', '..')
const { chromium } = createRequire(join(root, 'web', 'package.json'))('playwright-core')

const [url, workArg, secondsArg] = process.argv.slice(2)
if (!url || !workArg) {
  console.error('usage: node bench/web/worklist.mjs URL WORK [SECONDS]')
  process.exit(2)
}
const work = resolve(workArg)
const seconds = Number(secondsArg ?? 5)
const runs = Number(process.env.RUNS ?? 5)
const steps = (process.env.STEPS ?? '240,960').split(',').map(Number)
const [vw, vh] = (process.env.VIEWPORT ?? '1920x1080').split('x').map(Number)
const deepItem = Number(process.env.DEEP ?? 100000)
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium'
const shots = join(work, 'worklist-shots')
mkdirSync(shots, { recursive: true })

// The passwords of bench/serve/district's clerk: given, and their own after the first sign-in.
const given = 'Load-test-1'
const own = 'Load-test-2'

const problems = []
const log = (s) => console.log(s)

// In every page, before the app: a way to time the first row painted (the row in the DOM, then
// the frame that draws it: a requestAnimationFrame and the task after it), a resource timing
// buffer large enough for hundreds of pages of items, and the long animation frames.
function instrument() {
  performance.setResourceTimingBufferSize(100000)
  const b = (window.__bench = { inserted: null, painted: null, loaf: [], observer: null })
  b.arm = () => {
    b.inserted = null
    b.painted = null
    b.observer?.disconnect()
    const check = () => {
      if (b.inserted !== null || !document.querySelector('[data-test=worklist-row]')) return
      b.inserted = performance.now()
      b.observer.disconnect()
      requestAnimationFrame(() => {
        const ch = new MessageChannel()
        ch.port1.onmessage = () => (b.painted = performance.now())
        ch.port2.postMessage(0)
      })
    }
    b.observer = new MutationObserver(check)
    b.observer.observe(document, { childList: true, subtree: true })
    check()
  }
  b.arm()
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        b.loaf.push({
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
          style: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
          scripts: e.scripts.map((s) => ({
            duration: s.duration,
            invoker: s.invoker,
            source: `${s.sourceURL.split('/').pop()}:${s.sourceFunctionName}:${s.sourceCharPosition}`,
            layout: s.forcedStyleAndLayoutDuration,
          })),
        })
      }
    }).observe({ type: 'long-animation-frame', buffered: true })
  } catch {
    // No long animation frames in this browser: the frame intervals still tell.
  }
}

async function newContext(browser, storageState) {
  const context = await browser.newContext({ viewport: { width: vw, height: vh }, locale: 'zh-CN', deviceScaleFactor: 1, storageState })
  await context.addInitScript(instrument)
  return context
}

function watch(page) {
  page.setDefaultTimeout(60_000)
  page.__open = new Set()
  page.on('request', (r) => page.__open.add(r))
  page.on('requestfinished', (r) => page.__open.delete(r))
  page.on('requestfailed', (r) => page.__open.delete(r))
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`)
  })
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`${r.status()} ${r.url()}`)
  })
}

/** Waits until the page has had no request open for half a second (what it asked of the
 * server is answered, so the server is not still working for it). */
async function settle(page) {
  let quiet = 0
  while (quiet < 5) {
    await page.waitForTimeout(100)
    quiet = page.__open.size === 0 ? quiet + 1 : 0
  }
}

/** Signs the clerk in through the sign-in page, setting their own password the first time. */
async function signIn(page) {
  for (const password of [given, own]) {
    await page.goto(`${url}/#/signin`)
    await page.locator('[data-test=login]').fill('clerk')
    await page.locator('[data-test=password]').fill(password)
    await page.locator('[data-test=submit]').click()
    await page.waitForFunction(() => /^#\/(password|dashboard)/.test(location.hash) || document.querySelector('[data-test=sign-in-error]'))
    const hash = await page.evaluate(() => location.hash)
    if (hash.startsWith('#/dashboard')) return
    if (hash.startsWith('#/password')) {
      await page.locator('[data-test=current-password]').fill(password)
      await page.locator('[data-test=new-password]').fill(own)
      await page.locator('[data-test=repeat-password]').fill(own)
      await page.locator('[data-test=save-password]').click()
      await page.waitForURL(/#\/dashboard/)
      return
    }
  }
  throw new Error('the clerk could not sign in with either password')
}

/** Waits for the first row painted; returns the page's clock then and what it fetched. */
async function firstRow(page) {
  await page.waitForFunction(() => window.__bench.painted !== null || document.querySelector('.state--error'), null, { timeout: 120_000 })
  const shown = await errorShown(page)
  if (shown) throw new Error(`the worklist shows an error: ${shown}`)
  return page.evaluate(() => {
    const items = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/items?'))
    const all = performance.getEntriesByType('resource')
    const first = items.at(-1)
    const nav = performance.getEntriesByType('navigation')[0]
    // Where the time went: the document, each file and call of the page (start and end).
    const timeline = [
      ...(nav ? [['document', 0, nav.responseEnd], ['DOMContentLoaded', nav.domContentLoadedEventStart, nav.domContentLoadedEventEnd]] : []),
      ...all.map((e) => [new URL(e.name).pathname + (e.name.includes('/api/') ? new URL(e.name).search.slice(0, 30) : ''), e.startTime, e.responseEnd]),
      ['row in the DOM', window.__bench.inserted, window.__bench.inserted],
      ['row painted', window.__bench.painted, window.__bench.painted],
    ].map(([what, start, end]) => ({ what, start: Math.round(start), end: Math.round(end) }))
    return {
      inserted: window.__bench.inserted,
      painted: window.__bench.painted,
      items: first ? { start: first.startTime, duration: first.duration, bytes: first.encodedBodySize } : null,
      files: all.filter((e) => !e.name.includes('/api/')).length,
      transferred: all.reduce((s, e) => s + (e.transferSize || 0), 0),
      timeline,
    }
  })
}

/** The functions with the most self time in a CPU profile: "ms  function  file:line". */
function profileSummary(profile, n) {
  const dt = new Map()
  profile.samples.forEach((id, k) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0)))
  const by = new Map()
  for (const node of profile.nodes) {
    const f = node.callFrame
    const file = f.url ? f.url.replace(/^.*\//, '') : ''
    const key = `${f.functionName || '(anonymous)'}  ${file}${file ? `:${f.lineNumber + 1}` : ''}`
    by.set(key, (by.get(key) ?? 0) + (dt.get(node.id) ?? 0))
  }
  return [...by].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${(us / 1000).toFixed(1).padStart(7)} ms  ${k}`)
}

async function errorShown(page) {
  return page.evaluate(() => {
    const alert = document.querySelector('.state--error')
    if (alert) return alert.textContent.trim()
    const foot = document.querySelector('.worklist__foot')?.textContent.trim() ?? ''
    return /失败|错误|error|failed/i.test(foot) ? foot : ''
  })
}

/** Scrolls the viewport by `step` px every frame for `ms` (or until `until` says stop) and
 * collects each frame's interval, the pages of items fetched meanwhile, and the frames that
 * stood at the end of the loaded rows. */
function scrollRun(page, { step, ms, deepIndex = -1 }) {
  return page.evaluate(
    async ({ step, ms, deepIndex }) => {
      const el = document.querySelector('[data-test=worklist-viewport]')
      const rowH = document.querySelector('[data-test=worklist-row]').offsetHeight
      const loaded = () => Math.round(el.firstElementChild.offsetHeight / rowH)
      const b = window.__bench
      const loafFrom = b.loaf.length
      const t0 = performance.now()
      const top0 = el.scrollTop
      const loaded0 = loaded()
      const deltas = []
      let stalled = 0
      let last = t0
      let reachedAt = null
      await new Promise((done) => {
        function frame(now) {
          deltas.push(now - last)
          last = now
          if (deepIndex >= 0) {
            const row = el.querySelector(`[data-index="${deepIndex}"]`)
            if (row) {
              // The row is in the DOM: the next frame draws it.
              reachedAt = now
              requestAnimationFrame(() => done())
              return
            }
            if (loaded() > deepIndex) el.scrollTop = deepIndex * rowH - el.clientHeight / 2
            else el.scrollTop = el.scrollHeight
            if (now - t0 > ms) return done()
          } else {
            const want = el.scrollTop + step
            el.scrollTop = want
            if (step > 0 && el.scrollTop < want - 1) stalled++
            if (now - t0 >= ms || (step < 0 && el.scrollTop <= 0)) return done()
          }
          requestAnimationFrame(frame)
        }
        requestAnimationFrame(frame)
      })
      const t1 = performance.now()
      deltas.shift() // the wait for the first frame
      const pages = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/api/v1/items?') && e.name.includes('after=') && e.startTime >= t0 && e.startTime < t1)
        .map((e) => e.duration)
      const sorted = deltas.slice().sort((a, c) => a - c)
      const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
      const pagesSorted = pages.slice().sort((a, c) => a - c)
      return {
        ms: t1 - t0,
        frames: deltas.length,
        median: pct(0.5),
        p95: pct(0.95),
        p99: pct(0.99),
        max: sorted.at(-1),
        // Frame intervals come in whole display frames (16.7, 33.3, 50 ms ...): an interval over
        // 25 ms is two display frames or more, a frame dropped; `missed` counts the frames lost.
        dropped: deltas.filter((d) => d > 25).length,
        missed: deltas.reduce((a, d) => a + Math.max(0, Math.round(d / (1000 / 60)) - 1), 0),
        long50: deltas.filter((d) => d > 50).length,
        rowsPassed: Math.round((el.scrollTop - top0) / rowH),
        loadedBefore: loaded0,
        loadedAfter: loaded(),
        pages: pages.length,
        pageMedian: pagesSorted[Math.floor(pagesSorted.length / 2)] ?? 0,
        pageMax: pagesSorted.at(-1) ?? 0,
        stalled,
        reached: reachedAt === null ? null : reachedAt - t0,
        rowsInDom: el.querySelectorAll('[data-test=worklist-row]').length,
        loaf: b.loaf.slice(loafFrom),
      }
    },
    { step, ms, deepIndex },
  )
}

function stats(xs) {
  const s = xs.slice().sort((a, c) => a - c)
  return { median: s[Math.floor((s.length - 1) / 2)], max: s.at(-1), all: xs }
}

const ms = (x) => (x === null || x === undefined ? '—' : `${Math.round(x)}`)
const ms1 = (x) => (x === null || x === undefined ? '—' : x.toFixed(1))

/** The long animation frames' scripts, added up by source, the heaviest first. */
function loafSummary(loaf) {
  const by = new Map()
  for (const f of loaf)
    for (const s of f.scripts) {
      const k = `${s.invoker} ${s.source}`
      const v = by.get(k) ?? { n: 0, ms: 0, layout: 0 }
      v.n++
      v.ms += s.duration
      v.layout += s.layout
      by.set(k, v)
    }
  const render = loaf.reduce((a, f) => a + f.render, 0)
  const style = loaf.reduce((a, f) => a + f.style, 0)
  const top = [...by.entries()].sort((a, c) => c[1].ms - a[1].ms).slice(0, 5)
  return { frames: loaf.length, render, style, top }
}

async function heap(cdp) {
  await cdp.send('HeapProfiler.collectGarbage')
  const h = await cdp.send('Runtime.getHeapUsage')
  const d = await cdp.send('Memory.getDOMCounters')
  return { heapMiB: h.usedSize / 1048576, nodes: d.nodes }
}

async function main() {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  let exit = 0
  try {
    // Signed in once; every context after starts with that session's cookie.
    const first = await newContext(browser)
    const signInPage = await first.newPage()
    watch(signInPage)
    await signIn(signInPage)
    const storageState = await first.storageState()
    await first.close()

    // (a) first page: cold, reload, in-app.
    const cold = []
    let coldLoad = null
    for (let i = 0; i < runs; i++) {
      const ctx = await newContext(browser, storageState)
      const page = await ctx.newPage()
      watch(page)
      // PROFILE: the second cold load under the CPU profiler (the first warms the server).
      const profiler = process.env.PROFILE && i === 1 ? await ctx.newCDPSession(page) : null
      if (profiler) {
        await profiler.send('Profiler.enable')
        await profiler.send('Profiler.setSamplingInterval', { interval: 200 })
        await profiler.send('Profiler.start')
      }
      const t = Date.now()
      await page.goto(`${url}/#/worklist`)
      const r = await firstRow(page)
      r.wall = Date.now() - t
      if (profiler) {
        const { profile } = await profiler.send('Profiler.stop')
        writeFileSync(process.env.PROFILE, JSON.stringify(profile))
        log(`cold load CPU profile: ${process.env.PROFILE}; self time by function:`)
        for (const line of profileSummary(profile, 25)) log(`  ${line}`)
      }
      cold.push(r)
      coldLoad ??= r
      if (i === 0) await page.screenshot({ path: join(shots, '1-first-page-cold.png') })
      await settle(page)
      await ctx.close()
    }

    const context = await newContext(browser, storageState)
    const page = await context.newPage()
    watch(page)
    const cdp = await context.newCDPSession(page)
    const reload = []
    for (let i = 0; i < runs + 1; i++) {
      await page.goto('about:blank')
      const t = Date.now()
      await page.goto(`${url}/#/worklist`)
      const r = await firstRow(page)
      r.wall = Date.now() - t
      if (i > 0) reload.push(r) // the first fills the context's cache
      await settle(page)
    }
    // In the app: the side menu's link from the dashboard, once the dashboard has every answer
    // (settled), and half a second after it opened while its reports are still being worked
    // out by the server (busy: the clerk who goes straight on to the worklist).
    async function fromDashboard(settled) {
      await page.locator('[data-menu=dashboard]').click()
      await page.waitForURL(/#\/dashboard/)
      if (settled) await settle(page)
      else await page.waitForTimeout(500)
      const t0 = await page.evaluate(() => {
        window.__bench.arm()
        return performance.now()
      })
      const t = Date.now()
      await page.locator('[data-menu=worklist]').click()
      const r = await firstRow(page)
      r.wall = Date.now() - t
      r.painted -= t0
      r.inserted -= t0
      r.items = r.items && { ...r.items, start: r.items.start - t0 }
      delete r.timeline
      await settle(page)
      return r
    }
    const inApp = []
    for (let i = 0; i < runs; i++) inApp.push(await fromDashboard(true))
    const inAppBusy = []
    for (let i = 0; i < runs; i++) inAppBusy.push(await fromDashboard(false))
    let shown = await errorShown(page)
    if (shown) throw new Error(`the worklist shows an error: ${shown}`)
    await page.screenshot({ path: join(shots, '2-first-page.png') })
    const total = Number(await page.locator('[data-test=worklist-total]').getAttribute('data-value'))
    const heap0 = await heap(cdp)

    // (b) scrolling from the top, each speed for `seconds`, one after the other.
    await settle(page)
    await page.waitForTimeout(1000)
    if (process.env.TRACE) await browser.startTracing(page, { path: process.env.TRACE, screenshots: false })
    const scrolls = []
    for (const step of steps) scrolls.push({ step, ...(await scrollRun(page, { step, ms: seconds * 1000 })) })
    if (process.env.TRACE) await browser.stopTracing()
    await page.screenshot({ path: join(shots, '3-mid-scroll.png') })
    shown = await errorShown(page)
    if (shown) throw new Error(`the worklist shows an error while scrolling: ${shown}`)
    const heap1 = await heap(cdp)

    // (c) deep: to the DEEP-th item (or the last).
    const deepIndex = Math.min(total, deepItem) - 1
    const deep = await scrollRun(page, { step: 0, ms: 900_000, deepIndex })
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(shots, '4-deep.png') })
    const deepRow = await page.locator(`[data-index="${deepIndex}"]`).count()
    const heap2 = await heap(cdp)
    await page.waitForTimeout(1000)
    const deepScroll = { step: -240, ...(await scrollRun(page, { step: -240, ms: seconds * 1000 })) }
    shown = await errorShown(page)
    if (shown) throw new Error(`the worklist shows an error deep in the list: ${shown}`)

    // The report.
    const c = stats(cold.map((r) => r.painted))
    const w = stats(reload.map((r) => r.painted))
    const a = stats(inApp.map((r) => r.painted))
    const ab = stats(inAppBusy.map((r) => r.painted))
    log('')
    log(`worklist of ${total.toLocaleString('en')} items, ${url}, Chromium headless ${vw}x${vh}, ${runs} runs each`)
    log('')
    log('## (a) first page: navigation to the first row painted (ms)')
    log('')
    log('| load | median | max | runs | row in DOM (median) | items call (median) | wall, node side (median) |')
    log('|---|---:|---:|---|---:|---:|---:|')
    for (const [name, s, rs] of [
      ['cold (new context, empty cache)', c, cold],
      ['reload (same context)', w, reload],
      ['in-app (menu link from the dashboard, settled)', a, inApp],
      ['in-app (menu link 0.5 s after the dashboard opened)', ab, inAppBusy],
    ])
      log(
        `| ${name} | ${ms(s.median)} | ${ms(s.max)} | ${s.all.map(ms).join(', ')} | ${ms(stats(rs.map((r) => r.inserted)).median)} | ${ms(stats(rs.map((r) => r.items?.duration ?? 0)).median)} | ${ms(stats(rs.map((r) => r.wall)).median)} |`,
      )
    log('')
    for (const [name, rs] of [['cold', cold], ['reload', reload]]) {
      const med = rs.slice().sort((x, y) => x.painted - y.painted)[Math.floor((rs.length - 1) / 2)]
      // The document, the API calls, the marks, and the files that took over 100 ms to arrive.
      const key = med.timeline.filter((e) => !e.what.startsWith('/assets/') || e.end - e.start > 100)
      log(`${name}, the median run (ms from navigation): ` + key.map((e) => (e.start === e.end ? `${e.what} ${e.end}` : `${e.what} ${e.start}-${e.end}`)).join('; '))
      log('')
    }
    log(`cold load: ${coldLoad.files} files, ${(coldLoad.transferred / 1024).toFixed(0)} KiB transferred; first items page ${(coldLoad.items?.bytes / 1024).toFixed(0)} KiB`)
    log('')
    log('## (b) scrolling (scrollTop steps in requestAnimationFrame; frame intervals in ms)')
    log('')
    log('| px/frame | s | frames | median | p95 | p99 | max | >=2 x 16.7 ms ("dropped") | display frames missed | >50 ms | rows passed | rows loaded before -> after | pages fetched (median / max ms) | frames at the loaded end |')
    log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|')
    const row = (s) =>
      log(
        `| ${s.step} | ${(s.ms / 1000).toFixed(1)} | ${s.frames} | ${ms1(s.median)} | ${ms1(s.p95)} | ${ms1(s.p99)} | ${ms1(s.max)} | ${s.dropped} | ${s.missed} | ${s.long50} | ${s.rowsPassed.toLocaleString('en')} | ${s.loadedBefore.toLocaleString('en')} -> ${s.loadedAfter.toLocaleString('en')} | ${s.pages} (${ms(s.pageMedian)} / ${ms(s.pageMax)}) | ${s.stalled} |`,
      )
    for (const s of scrolls) row(s)
    row(deepScroll)
    log('')
    log(`(the last row: scrolling up at item ${(deepIndex + 1).toLocaleString('en')} with ${deepScroll.loadedBefore.toLocaleString('en')} rows loaded)`)
    log('')
    log('## (c) deep: to the row of item ' + (deepIndex + 1).toLocaleString('en'))
    log('')
    log(`reached in ${deep.reached === null ? 'never (timeout)' : `${(deep.reached / 1000).toFixed(1)} s`}; ${deep.pages} pages of items fetched on the way (median ${ms(deep.pageMedian)} ms, max ${ms(deep.pageMax)} ms); ${deep.frames} frames, median ${ms1(deep.median)} ms, p95 ${ms1(deep.p95)}, p99 ${ms1(deep.p99)}, max ${ms1(deep.max)}, ${deep.dropped} dropped (>= 2 x 16.7 ms, ${deep.missed} display frames missed); rows loaded ${deep.loadedAfter.toLocaleString('en')}; row in the page: ${deepRow ? 'yes' : 'NO'}`)
    log('')
    log('## memory (the page)')
    log('')
    log(`JS heap ${heap0.heapMiB.toFixed(0)} MiB at the first page, ${heap1.heapMiB.toFixed(0)} MiB after scrolling, ${heap2.heapMiB.toFixed(0)} MiB deep; DOM nodes ${heap0.nodes}, ${heap1.nodes}, ${heap2.nodes}; row elements in the DOM ${deep.rowsInDom}`)
    const loaf = loafSummary([...scrolls.flatMap((s) => s.loaf), ...deepScroll.loaf])
    log('')
    log(`long animation frames (> 50 ms) while scrolling: ${loaf.frames}; rendering ${ms(loaf.render)} ms, style and layout ${ms(loaf.style)} ms in them`)
    for (const [k, v] of loaf.top) log(`  ${ms(v.ms)} ms in ${v.n} scripts (forced layout ${ms(v.layout)} ms): ${k}`)
    writeFileSync(join(work, 'worklist-results.json'), JSON.stringify({ total, cold, reload, inApp, inAppBusy, scrolls, deep, deepScroll, heap: [heap0, heap1, heap2] }, null, 1))
    log('')
    log(`screenshots: ${shots}/; every number: ${join(work, 'worklist-results.json')}`)
    if (!deepRow) throw new Error(`the row of item ${deepIndex + 1} was not reached`)
  } catch (e) {
    console.error(`worklist bench: ${e.message}`)
    exit = 1
  } finally {
    await browser.close()
  }
  if (problems.length) {
    console.error(`problems in the page:\n  ${problems.join('\n  ')}`)
    exit = 1
  }
  process.exit(exit)
}

await main()
