// The web UI in headless Chromium against the real binary (tests/web/harness.mjs): each role
// signs in and sees only its pages; the forced password change; the dashboard's numbers are
// the API's; a wrong password, a lockout, a rate limit and an expired session are said in
// words; the phone layout; English. Every page passed through is saved as a screenshot.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ApiClient,
  OWN_PASSWORD,
  PASSWORD,
  SCREENS,
  launchBrowser,
  makeDistrict,
  makeEmptyStore,
  newPage,
  ownPasswords,
  realProblems,
  screenshot,
  startServer,
} from './harness.mjs'

let store
let server
let browser
const opened = []

before(async () => {
  store = makeDistrict()
  server = await startServer(store.db, ['--sign-ins-per-minute', '200'])
  await ownPasswords(server.url, ['fresh', 'locked', 'expiring'])
  browser = await launchBrowser()
  console.log(`# screenshots in ${SCREENS}`)
})

after(async () => {
  for (const c of opened) await c.close().catch(() => {})
  await browser?.close()
  await server?.stop()
})

async function open(options) {
  const p = await newPage(browser, options)
  opened.push(p.context)
  return p
}

/** Signs in through the form and waits for the page that follows. */
async function signIn(page, base, login, password = OWN_PASSWORD) {
  if (!page.url().includes('/signin')) await page.goto(`${base}/#/signin`)
  await page.locator('[data-test=login]').fill(login)
  await page.locator('[data-test=password]').fill(password)
  await page.locator('[data-test=submit]').click()
}

async function menuOf(page) {
  await page.locator('.side-nav').first().waitFor()
  return page.locator('.side-nav [data-menu]').evaluateAll((els) => els.map((e) => e.getAttribute('data-menu')))
}

const reads = ['incomplete', 'statistics', 'progress', 'books']
const expectedMenus = {
  admin: ['users', 'campaigns', 'account'],
  auditor: ['audit', 'account'],
  reviewer: ['dashboard', 'worklist', ...reads, 'campaigns', 'account'],
  clerk: ['dashboard', 'worklist', 'imports', 'comparisons', ...reads, 'account'],
  viewer: ['dashboard', 'worklist', ...reads, 'account'],
  staff: ['dashboard', 'worklist', ...reads, 'account'],
}

describe('signing in', () => {
  test('the sign-in page is in Chinese, and works under the server\'s CSP', async () => {
    const { page, problems } = await open()
    const response = await page.goto(`${server.url}/`)
    const csp = response.headers()['content-security-policy'] ?? ''
    assert.match(csp, /script-src 'self'/)
    await page.locator('[data-test=login]').waitFor()
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
    assert.match(await page.locator('h1').innerText(), /户卡核查/)
    assert.match(await page.locator('form').innerText(), /登录名[\s\S]*密码/)
    await screenshot(page, 'signin')
    assert.deepEqual(realProblems(problems), [])
  })

  for (const [login, menu] of Object.entries(expectedMenus)) {
    test(`${login} sees only the pages of their role`, async () => {
      const { page, problems } = await open()
      await page.goto(`${server.url}/`)
      await signIn(page, server.url, login)
      await page.waitForURL(new RegExp(`#/${menu[0]}`))
      assert.deepEqual(await menuOf(page), menu)
      assert.equal(await page.locator('[data-test=user-name]').innerText(), login)
      if (menu[0] === 'dashboard') await page.locator('[data-test=by-type] table, [data-test=by-type] .state--empty').first().waitFor()
      await screenshot(page, `home-${login}`)
      // A page the role may not use sends it home.
      if (!menu.includes('dashboard')) {
        await page.goto(`${server.url}/#/dashboard`)
        await page.waitForURL(new RegExp(`#/${menu[0]}`))
      }
      assert.deepEqual(realProblems(problems), [])
    })
  }

  test('a wrong password is said in words, with what to do', async () => {
    const { page } = await open()
    await page.goto(`${server.url}/#/signin`)
    await signIn(page, server.url, 'viewer', 'not-the-password')
    const alert = page.locator('[data-test=sign-in-error]')
    await alert.waitFor()
    const text = await alert.innerText()
    assert.match(text, /登录名或密码不正确/)
    assert.match(text, /5 次/)
    await screenshot(page, 'signin-wrong-password')
  })

  test('five failures lock the account, and the page says for how many minutes', async () => {
    const { page } = await open()
    await page.goto(`${server.url}/#/signin`)
    for (let i = 0; i < 5; i++) {
      await signIn(page, server.url, 'locked', `wrong-${i}`)
      await page.locator('[data-test=sign-in-error]').waitFor()
      await page.waitForFunction(() => !document.querySelector('[data-test=submit]')?.classList.contains('is-loading'))
    }
    await signIn(page, server.url, 'locked', PASSWORD)
    const alert = page.locator('[data-test=sign-in-error]')
    await page.waitForFunction(() => /锁定/.test(document.querySelector('[data-test=sign-in-error]')?.textContent ?? ''))
    const text = await alert.innerText()
    assert.match(text, /已被锁定，请在 1[45] 分钟后/)
    assert.match(text, /系统管理员/)
    await screenshot(page, 'signin-locked')
  })

  test('the forced change of a given password, checked as it is typed', async () => {
    const { page, problems } = await open()
    await page.goto(`${server.url}/`)
    await signIn(page, server.url, 'fresh', PASSWORD)
    await page.waitForURL(/#\/password/)
    assert.match(await page.locator('h1').innerText(), /请设置您自己的密码/)
    await page.locator('[data-test=current-password]').fill(PASSWORD)
    const next = page.locator('[data-test=new-password]')
    await next.fill('abc')
    assert.equal(await page.locator('[data-test=rule-length]').getAttribute('data-ok'), 'false')
    assert.equal(await page.locator('[data-test=rule-kinds]').getAttribute('data-ok'), 'false')
    assert.match(await page.locator('[data-test=rule-length]').innerText(), /当前 3 个/)
    await screenshot(page, 'password-weak')
    await next.fill('abcdefgh1')
    assert.equal(await page.locator('[data-test=rule-length]').getAttribute('data-ok'), 'true')
    assert.equal(await page.locator('[data-test=rule-kinds]').getAttribute('data-ok'), 'false')
    await next.fill('Abcdefgh1')
    assert.equal(await page.locator('[data-test=rule-kinds]').getAttribute('data-ok'), 'true')
    await page.locator('[data-test=repeat-password]').fill('Abcdefgh2')
    await page.locator('[data-test=save-password]').click()
    await page.locator('text=两次输入的新密码不一致').waitFor()
    await page.locator('[data-test=repeat-password]').fill('Abcdefgh1')
    await page.locator('[data-test=save-password]').click()
    await page.waitForURL(/#\/dashboard/)
    assert.deepEqual(await menuOf(page), expectedMenus.clerk)
    // The server took it: the new password signs in, the given one no more.
    const c = new ApiClient(server.url)
    await c.signIn('fresh', 'Abcdefgh1')
    assert.equal((await c.call('POST', '/api/v1/session', { login: 'fresh', password: PASSWORD })).status, 401)
    assert.deepEqual(realProblems(problems), [])
  })
})

describe('the dashboard', () => {
  test('shows the server\'s numbers: totals, progress, items by type, statistics, hand-over', async () => {
    const api = new ApiClient(server.url)
    await api.signIn('reviewer', OWN_PASSWORD)
    const { page, problems } = await open()
    await page.goto(`${server.url}/`)
    await signIn(page, server.url, 'reviewer')
    await page.waitForURL(/#\/dashboard/)
    for (const panel of ['campaign', 'totals', 'progress', 'by-type', 'statistics', 'intake']) {
      await page.locator(`[data-test=${panel}] .state--loading`).waitFor({ state: 'detached' })
    }
    await page.waitForTimeout(300) // the charts' first frame
    await screenshot(page, 'dashboard-reviewer')

    // The register's totals.
    const totals = await api.get('/api/v1/totals')
    for (const k of ['cards', 'persons', 'alive', 'incomplete']) {
      assert.equal(Number(await page.locator(`[data-test=total-${k}]`).getAttribute('data-value')), totals.all[k], k)
    }
    // The campaign and its deadlines.
    const { campaigns } = await api.get('/api/v1/campaigns')
    assert.equal(await page.locator('[data-test=campaign-name]').innerText(), campaigns.at(-1).name)
    assert.equal(await page.locator('[data-test=campaign-phase]').getAttribute('data-phase'), 'implementation')
    assert.equal(await page.locator('[data-test=deadline-startup_end]').getAttribute('data-days'), '-1')

    // Progress per community: the acceptance milestone's counts, the overdue flags.
    const progress = await api.get('/api/v1/reports/progress')
    const col = (name) => progress.columns.indexOf(name)
    for (const row of progress.rows) {
      const code = row[col('community_code')] || 'total'
      const block = page.locator(`[data-test="progress-${code}"]`)
      const ms = block.locator(`[data-test="milestone-${row[col('phase')]}"]`)
      assert.equal(await ms.getAttribute('data-overdue'), String(row[col('overdue')] === '1'), `${code} ${row[col('phase')]}`)
      assert.equal(Number(await ms.getAttribute('data-pct')), Number(row[col('done_pct')]))
      if (row[col('phase')] !== 'acceptance') continue
      for (const s of ['open', 'verified', 'approved', 'applied']) {
        assert.equal(await block.locator(`[data-test=count-${s}]`).getAttribute('data-value'), row[col(s)], `${code} ${s}`)
      }
    }
    assert.ok((await page.locator('[data-test=progress] li.is-overdue').count()) > 0, 'an overdue milestone is shown')

    // Items by type: the server's counts.
    let sum = 0
    for (const type of ['missing_in_register', 'absent_from_source', 'field_mismatch', 'unrecorded_birth',
      'unrecorded_death', 'duplicate_in_register', 'invalid_id_number', 'incomplete_record']) {
      const { total } = await api.get(`/api/v1/items?type=${type}&limit=1&total=true`)
      sum += total
      assert.equal(Number(await page.locator(`[data-test=type-${type}]`).getAttribute('data-value')), total, type)
    }
    const all = await api.get('/api/v1/items?limit=1&total=true')
    assert.equal(sum, all.total)
    assert.equal(Number(await page.locator('[data-test=by-type-total]').getAttribute('data-value')), all.total)

    // The statistics comparison of the newest comparison.
    const stats = await api.get('/api/v1/reports/statistics?as_of=2026-09-30&since=2025-10-01&level=community')
    const sc = (name) => stats.columns.indexOf(name)
    for (const row of stats.rows) {
      const code = row[sc('level')] === 'district' ? 'total' : row[sc('code')]
      const tr = page.locator(`[data-test="stats-${code}"]`)
      assert.equal(await tr.locator('[data-test=register-total]').getAttribute('data-value'), row[sc('reg_total')], code)
      assert.equal(await tr.locator('[data-test=police-total]').getAttribute('data-value'), row[sc('police_population_persons')], code)
      assert.equal(await tr.locator('[data-test=manual-total]').getAttribute('data-value'), row[sc('manual_total')], code)
      assert.equal(await tr.locator('[data-test=register-births]').getAttribute('data-value'), row[sc('reg_births')], code)
      assert.equal(await tr.locator('[data-test=police-deaths]').getAttribute('data-value'), row[sc('departments_deaths')], code)
    }
    assert.equal(await page.locator('[data-test=statistics] canvas').count() >= 2, true, 'two charts drawn')

    // The hand-over grid: each department and month in the server's state.
    const intake = await api.get('/api/v1/reports/intake')
    const ic = (name) => intake.columns.indexOf(name)
    assert.ok(intake.rows.length > 0)
    for (const row of intake.rows) {
      const cell = page.locator(`[data-test="intake-${row[ic('kind')]}-${row[ic('month')]}"]`)
      const shown = await cell.getAttribute('data-state')
      const states = intake.rows.filter((r) => r[ic('kind')] === row[ic('kind')] && r[ic('month')] === row[ic('month')]).map((r) => r[ic('state')])
      assert.ok(states.includes(shown), `${row[ic('kind')]} ${row[ic('month')]}: ${shown} of ${states}`)
    }
    assert.deepEqual(realProblems(problems), [])
  })

  test('community staff see their area, not the district\'s reports', async () => {
    const { page, problems } = await open()
    await page.goto(`${server.url}/`)
    await signIn(page, server.url, 'staff')
    await page.waitForURL(/#\/dashboard/)
    await page.locator('[data-test=by-type] .state--loading').waitFor({ state: 'detached' })
    await page.locator('[data-test=statistics] .state--loading').waitFor({ state: 'detached' })
    assert.equal(await page.locator('[data-test=progress]').count(), 0)
    assert.equal(await page.locator('[data-test=intake]').count(), 0)
    assert.equal(await page.locator('[data-test=statistics] .state--error').count(), 0)
    const api = new ApiClient(server.url)
    await api.signIn('staff', OWN_PASSWORD)
    const { total } = await api.get('/api/v1/items?limit=1&total=true')
    assert.equal(Number(await page.locator('[data-test=by-type-total]').getAttribute('data-value')), total)
    await screenshot(page, 'dashboard-staff')
    assert.deepEqual(realProblems(problems), [])
  })

  test('on a 390-px phone: the menu is a drawer, nothing overflows', async () => {
    const { page, problems } = await open({ viewport: { width: 390, height: 844 } })
    await page.goto(`${server.url}/`)
    await signIn(page, server.url, 'viewer')
    await page.waitForURL(/#\/dashboard/)
    for (const panel of ['campaign', 'totals', 'progress', 'by-type', 'statistics', 'intake']) {
      await page.locator(`[data-test=${panel}] .state--loading`).waitFor({ state: 'detached' })
    }
    await page.waitForTimeout(300)
    assert.equal(await page.locator('.layout__aside').count(), 0)
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 390, `the page is ${width} px wide`)
    await screenshot(page, 'phone-dashboard')
    await page.getByRole('button', { name: '打开菜单' }).click()
    await page.locator('.el-drawer .side-nav [data-menu=account]').waitFor()
    await page.waitForTimeout(500) // the drawer slides in
    await screenshot(page, 'phone-menu', { fullPage: false })
    await page.locator('.el-drawer .side-nav [data-menu=account]').click()
    await page.waitForURL(/#\/account/)
    await page.locator('.el-drawer').waitFor({ state: 'hidden' })
    await screenshot(page, 'phone-account')
    assert.deepEqual(realProblems(problems), [])
  })

  test('keyboard: the skip link, the menu and the user menu are reachable', async () => {
    const { page } = await open()
    await page.goto(`${server.url}/`)
    await signIn(page, server.url, 'clerk')
    await page.waitForURL(/#\/dashboard/)
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link')
    await page.keyboard.press('Enter')
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main')
    await page.locator('.skip-link').focus()
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-menu')), 'dashboard')
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-menu')), expectedMenus.clerk[1])
    await page.locator('.side-nav [data-menu=account]').focus()
    await page.keyboard.press('Enter')
    await page.waitForURL(/#\/account/)
    await screenshot(page, 'account-clerk')
  })
})

describe('signing out', () => {
  test('sign out everywhere ends every session of the user, after a question', async () => {
    const other = new ApiClient(server.url)
    await other.signIn('clerk', OWN_PASSWORD)
    assert.equal((await other.call('GET', '/api/v1/session')).status, 200)
    const { page, problems } = await open()
    await page.goto(`${server.url}/`)
    await signIn(page, server.url, 'clerk')
    await page.waitForURL(/#\/dashboard/)
    await page.locator('.layout__user').click()
    await page.locator('[data-test=sign-out-everywhere]').click()
    await page.locator('.el-message-box').waitFor()
    await page.waitForTimeout(300)
    await screenshot(page, 'sign-out-everywhere-question', { fullPage: false })
    await page.locator('.el-message-box .el-button--primary').click()
    await page.waitForURL(/#\/signin/)
    assert.match(await page.locator('[data-test=notice]').innerText(), /已退出登录/)
    assert.equal((await other.call('GET', '/api/v1/session')).status, 401, 'the other session ended too')
    assert.deepEqual(realProblems(problems), [])
  })

  test('sign out goes to the sign-in page and the session is over', async () => {
    const { page } = await open()
    await page.goto(`${server.url}/`)
    await signIn(page, server.url, 'viewer')
    await page.waitForURL(/#\/dashboard/)
    await page.locator('[data-test=sign-out]').click()
    await page.waitForURL(/#\/signin/)
    await page.goto(`${server.url}/#/dashboard`)
    await page.waitForURL(/#\/signin/)
    assert.equal(await page.locator('[data-test=notice]').count(), 0, 'no "expired" after signing out')
  })
})

describe('English', () => {
  test('the language switch turns the UI and the server\'s messages to English', async () => {
    const { page, problems } = await open()
    await page.goto(`${server.url}/#/signin`)
    await page.locator('[data-test=language]').click()
    await page.locator('[data-test=language-en]').click()
    await page.waitForFunction(() => document.documentElement.lang === 'en')
    assert.match(await page.locator('form').innerText(), /Login[\s\S]*Password/)
    await signIn(page, server.url, 'viewer', 'wrong')
    await page.locator('[data-test=sign-in-error]').waitFor()
    assert.match(await page.locator('[data-test=sign-in-error]').innerText(), /login or the password is wrong/)
    await screenshot(page, 'signin-english')
    await signIn(page, server.url, 'viewer')
    await page.waitForURL(/#\/dashboard/)
    for (const panel of ['campaign', 'totals', 'progress', 'by-type', 'statistics', 'intake']) {
      await page.locator(`[data-test=${panel}] .state--loading`).waitFor({ state: 'detached' })
    }
    await page.waitForTimeout(300)
    const text = await page.locator('main').innerText()
    assert.match(text, /Items by type/)
    assert.doesNotMatch(text, /dashboard\.|itemType\.|roles\./, 'no untranslated key')
    await screenshot(page, 'dashboard-english')
    assert.deepEqual(realProblems(problems), [])
  })
})

describe('a short session', () => {
  let short
  before(async () => {
    short = await startServer(store.db, ['--session-idle', '3s', '--sign-ins-per-minute', '4'])
  })
  after(async () => {
    await short?.stop()
  })

  test('an expired session sends to sign-in with a word why, and back to the page after', async () => {
    const { page, problems } = await open()
    await page.goto(`${short.url}/`)
    await signIn(page, short.url, 'expiring', PASSWORD)
    await page.waitForURL(/#\/password/)
    await page.locator('[data-test=current-password]').fill(PASSWORD)
    await page.locator('[data-test=new-password]').fill(OWN_PASSWORD)
    await page.locator('[data-test=repeat-password]').fill(OWN_PASSWORD)
    await page.locator('[data-test=save-password]').click()
    await page.waitForURL(/#\/dashboard/)
    await page.locator('[data-test=totals] .state--loading').waitFor({ state: 'detached' })
    await page.waitForTimeout(4000)
    await page.locator('[data-test=refresh]').click()
    await page.waitForURL(/#\/signin/)
    const notice = page.locator('[data-test=notice]')
    await notice.waitFor()
    assert.match(await notice.innerText(), /登录已过期/)
    await screenshot(page, 'signin-expired')
    await signIn(page, short.url, 'expiring')
    await page.waitForURL(/#\/dashboard/)
    assert.deepEqual(realProblems(problems), [])
  })

  test('too many attempts from one computer: wait, in words', async () => {
    const { page } = await open()
    await page.goto(`${short.url}/#/signin`)
    let text = ''
    for (let i = 0; i < 6 && !/频繁/.test(text); i++) {
      await signIn(page, short.url, 'nobody', `wrong-${i}`)
      await page.locator('[data-test=sign-in-error]').waitFor()
      await page.waitForFunction(() => !document.querySelector('[data-test=submit]')?.classList.contains('is-loading'))
      text = await page.locator('[data-test=sign-in-error]').innerText()
    }
    assert.match(text, /登录尝试过于频繁，请等 \d+ 秒后再试/)
    await screenshot(page, 'signin-rate-limited')
  })
})

describe('a new store, then no server', () => {
  let bare
  before(async () => {
    bare = await startServer(makeEmptyStore().db)
    await ownPasswords(bare.url, [], ['reviewer'])
  })
  after(async () => {
    await bare?.stop()
  })

  test('before any import every panel says what is missing and what to do', async () => {
    const { page, problems } = await open()
    await page.goto(`${bare.url}/`)
    await signIn(page, bare.url, 'reviewer')
    await page.waitForURL(/#\/dashboard/)
    for (const panel of ['campaign', 'totals', 'progress', 'by-type', 'statistics', 'intake']) {
      await page.locator(`[data-test=${panel}] .state--loading`).waitFor({ state: 'detached' })
    }
    await screenshot(page, 'dashboard-empty-store')
    assert.equal(await page.locator('.state--error').count(), 0, 'no panel fails')
    assert.match(await page.locator('[data-test=campaign]').innerText(), /还没有专项行动/)
    assert.match(await page.locator('[data-test=progress]').innerText(), /还没有进度/)
    assert.match(await page.locator('[data-test=statistics]').innerText(), /还没有运行过比对/)
    assert.match(await page.locator('[data-test=by-type]').innerText(), /没有问题条目/)
    assert.deepEqual(realProblems(problems), [])
  })

  test('a server that stopped answering is said in words, with a way to retry', async () => {
    const { page } = await open()
    await page.goto(`${bare.url}/`)
    await signIn(page, bare.url, 'reviewer')
    await page.waitForURL(/#\/dashboard/)
    await page.locator('[data-test=totals] .state--loading').waitFor({ state: 'detached' })
    await bare.stop()
    await page.locator('[data-test=refresh]').click()
    const error = page.locator('[data-test=totals] .state--error')
    await error.waitFor()
    assert.match(await error.innerText(), /无法连接服务器[\s\S]*重试/)
    assert.equal(await error.locator('[data-test=retry]').count(), 1)
    await screenshot(page, 'dashboard-server-gone')
  })
})
