// The browser tests' harness: a small generated district in a new store (the real binary, as
// tests/server_api_test.py and scripts/demo make one), `popreg serve` with the UI built into it
// on a free port, a node-side API client to read what the server says, and Debian's Chromium
// driven by playwright-core (never a downloaded browser) with a new empty profile.
//
// Configured by the environment (tests/web/run.mjs sets it from its arguments):
//   POPREG       the binary (default build/release/bin/popreg, else build/dev/bin/popreg)
//   WORK_DIR     a folder for the district, the store and the servers' files, one folder in it
//                per test file (default: new)
//   SCREENS_DIR  where screenshots go (default that test file's folder)
//   WEB_ROOT     serve the UI from this folder (--web-root) instead of the one in the binary
//   CHROMIUM     the browser (default /usr/bin/chromium)
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const root = resolve(here, '..', '..')
// playwright-core is a dev dependency of web/ (one package-lock.json for the UI and its tests).
const requireFromWeb = createRequire(join(root, 'web', 'package.json'))
const { chromium } = requireFromWeb('playwright-core')

function defaultPopreg() {
  for (const p of ['build/release/bin/popreg', 'build/dev/bin/popreg']) {
    const f = join(root, p)
    if (existsSync(f)) return f
  }
  throw new Error('no popreg binary: set POPREG')
}

export const POPREG = process.env.POPREG || defaultPopreg()
// One folder per test file (run.mjs runs several in one WORK_DIR): its own district and store.
const testName = basename(process.argv[1] ?? 'web', '.test.mjs')
export const WORK = process.env.WORK_DIR ? join(resolve(process.env.WORK_DIR), testName) : mkdtempSync(join(tmpdir(), 'popreg-web-'))
export const SCREENS = process.env.SCREENS_DIR || WORK
export const WEB_ROOT = process.env.WEB_ROOT || ''
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
export const PASSWORD = 'Popreg-test-1'
/** Every user's own password once they changed the given one. */
export const OWN_PASSWORD = 'Popreg-own-2'
mkdirSync(WORK, { recursive: true })
mkdirSync(SCREENS, { recursive: true })

function popreg(args, env = {}) {
  return execFileSync(POPREG, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  })
}

/** The communities of the generated district (areas.csv), in its order. */
function communitiesOf(district) {
  const text = readFileSync(join(district, 'areas.csv'), 'utf8').replace(/^\uFEFF/, '')
  const [head, ...lines] = text.trim().split(/\r?\n/)
  const cols = head.split(',')
  const code = cols.indexOf('code')
  const level = cols.indexOf('level')
  return lines.map((l) => l.split(',')).filter((c) => c[level] === 'community').map((c) => c[code])
}

function isoDaysAgo(days) {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)
}

/** The users the tests sign in as: login -> role (and area for community staff). */
export const users = {
  admin: { role: 'admin' },
  reviewer: { role: 'reviewer' },
  clerk: { role: 'clerk' },
  viewer: { role: 'viewer' },
  auditor: { role: 'auditor' },
  staff: { role: 'community' },
  fresh: { role: 'clerk' }, // keeps its given password: the forced change
  locked: { role: 'viewer' }, // signs in wrongly five times
  expiring: { role: 'viewer' },
}

/** Makes the district and the store: gen, init, a user per role, every kind imported, one
 * comparison, a campaign that began two weeks ago. Returns {db, district, communities}. */
export function makeDistrict({ households = 400, seed = 5 } = {}) {
  const district = join(WORK, 'district')
  const db = join(WORK, 'store.db')
  const pw = join(WORK, 'password')
  writeFileSync(pw, PASSWORD + '\n')
  popreg(['gen', '--out', district, '--households', String(households), '--seed', String(seed)])
  popreg(['init', '--db', db, '--admin', 'admin', '--admin-password-file', pw])
  const communities = communitiesOf(district)
  for (const [login, u] of Object.entries(users)) {
    if (login === 'admin') continue
    const areas = u.role === 'community' ? ['--area', communities[0]] : ['--all-areas']
    popreg(['user', 'add', '--db', db, '--user', 'admin', '--login', login, '--role', u.role,
      '--name', login, '--password-file', pw, ...areas])
  }
  for (const kind of ['areas', 'register', 'police_population', 'police_births', 'vaccinations',
    'cremations', 'death_certificates', 'manual_report']) {
    const file = join(district, `${kind}.csv`)
    if (existsSync(file)) popreg(['import', '--db', db, '--kind', kind, file], { POPREG_USER: 'clerk' })
  }
  popreg(['compare', '--db', db, '--as-of', '2026-09-30', '--since', '2025-10-01'], { POPREG_USER: 'clerk' })
  popreg(['campaign', 'add', '--db', db, '--user', 'admin', '--name', '户卡整理专项行动',
    '--start', isoDaysAgo(14)])
  return { db, district, communities }
}

/** A new store with nobody's data yet: the admin and a reviewer (password PASSWORD). */
export function makeEmptyStore() {
  const db = join(WORK, 'empty.db')
  const pw = join(WORK, 'password')
  writeFileSync(pw, PASSWORD + '\n')
  popreg(['init', '--db', db, '--admin', 'admin', '--admin-password-file', pw])
  popreg(['user', 'add', '--db', db, '--user', 'admin', '--login', 'reviewer', '--role', 'reviewer',
    '--name', 'reviewer', '--password-file', pw, '--all-areas'])
  return { db }
}

/** `popreg serve` on a free port of 127.0.0.1, until stop(). */
export async function startServer(db, extra = []) {
  const work = mkdtempSync(join(WORK, 'serve-'))
  const webRoot = WEB_ROOT ? ['--web-root', WEB_ROOT] : []
  const proc = spawn(POPREG, ['serve', '--db', db, '--port', '0', ...webRoot,
    '--work-dir', work, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  proc.stderr.on('data', (d) => {
    stderr += d
  })
  const url = await new Promise((resolvePromise, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out} ${stderr}`)), 60_000)
    proc.stdout.on('data', (d) => {
      out += d
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)
      if (m) {
        clearTimeout(timer)
        resolvePromise(m[0].replace(/\/$/, ''))
      }
    })
    proc.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)))
  })
  return {
    url,
    stderr: () => stderr,
    async stop() {
      if (proc.exitCode !== null) return
      const done = new Promise((r) => proc.on('exit', r))
      proc.kill('SIGTERM')
      await done
    },
  }
}

/** A node-side client of the API (one session), to read what the server says. */
export class ApiClient {
  constructor(url) {
    this.url = url
    this.cookie = ''
    this.csrf = ''
  }

  async call(method, path, body) {
    const headers = { 'Accept-Language': 'zh-CN' }
    if (this.cookie) headers.Cookie = this.cookie
    if (method !== 'GET' && this.csrf) headers['X-CSRF-Token'] = this.csrf
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const r = await fetch(this.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const set = r.headers.get('set-cookie')
    const m = set && /popreg_session=([^;]*)/.exec(set)
    if (m) this.cookie = m[1] ? `popreg_session=${m[1]}` : ''
    const text = await r.text()
    const json = text ? JSON.parse(text) : null
    return { status: r.status, json }
  }

  async get(path) {
    const r = await this.call('GET', path)
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.json)}`)
    return r.json
  }

  /** Signs in; with `own`, changes the given password to OWN_PASSWORD first if needed. */
  async signIn(login, password = PASSWORD) {
    const r = await this.call('POST', '/api/v1/session', { login, password })
    if (r.status !== 201) throw new Error(`sign-in ${login}: ${r.status} ${JSON.stringify(r.json)}`)
    this.csrf = r.json.csrf_token
    return r.json
  }
}

/** Gives each user but `keep` a password of their own (as if they had signed in once). */
export async function ownPasswords(url, keep = [], logins = Object.keys(users)) {
  for (const login of logins) {
    if (keep.includes(login)) continue
    const c = new ApiClient(url)
    await c.signIn(login)
    const r = await c.call('POST', '/api/v1/session/password', { current_password: PASSWORD, new_password: OWN_PASSWORD })
    if (r.status !== 200) throw new Error(`password of ${login}: ${r.status} ${JSON.stringify(r.json)}`)
  }
}

export const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Debian's Chromium, headless. playwright-core starts it with a new, empty user-data-dir of
 * its own (a temporary folder removed at close); nothing is downloaded. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`)
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: launchArgs })
}

/** A new browser context (its own cookies) and page, at `viewport`, in Chinese by default,
 * recording what the console and the Content-Security-Policy complain about. */
export async function newPage(browser, { viewport = { width: 1280, height: 720 }, locale = 'zh-CN' } = {}) {
  const context = await browser.newContext({ viewport, locale, deviceScaleFactor: 1 })
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  const problems = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('response', (r) => {
    // A page's own file that fails is a problem; an API answer of 4xx is the app's to handle.
    if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith('/api/')) problems.push(`${r.status()} ${r.url()}`)
  })
  page.on('requestfailed', (r) => {
    if (!new URL(r.url()).pathname.startsWith('/api/')) problems.push(`failed ${r.url()}`)
  })
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)
    })
  })
  return { context, page, problems }
}

let shot = 0
/** A full-page screenshot into SCREENS_DIR, numbered in the order taken; returns its path. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  shot += 1
  const file = join(SCREENS, `${String(shot).padStart(2, '0')}-${name}.png`)
  await page.screenshot({ path: file, fullPage })
  return file
}

/** The problems but Chromium's log line for an API answer of 4xx (a 401 before signing in, a
 * 404 for a report not there yet), which the app handles; files of the page that fail are
 * recorded apart (newPage) and stay problems. */
export function realProblems(problems) {
  return problems.filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p))
}

/** Picks the option `label` (a string it contains, or a RegExp) of the Element Plus select
 * `select` (a Locator) and waits until the select shows it. Under load a click can land while the
 * list is still opening and choose nothing; then the select is opened and the option clicked
 * again (three tries), so a test goes on only with the value it meant. */
export async function choose(page, select, label) {
  const shows = async () => {
    const text = (await select.innerText()).trim()
    return label instanceof RegExp ? label.test(text) : text.includes(label)
  }
  for (let attempt = 1; ; attempt++) {
    await select.click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: label }).first().click()
    for (let wait = 0; wait < 30 && !(await shows()); wait++) await page.waitForTimeout(100)
    if (await shows()) return
    if (attempt === 3) throw new Error(`the select does not show '${label}' after three tries`)
    await page.keyboard.press('Escape')
  }
}
