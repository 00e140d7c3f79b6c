// The office's pages in headless Chromium against the real binary (tests/web/harness.mjs): an
// upload with bad rows shows its rejects (and a strict one fails naming file, row and column);
// an upload read through a profile; a comparison run to its end; the statistics page shows the
// API's figures; a book printed and its PDF downloaded; the admin adds a user; the auditor sees
// the log and a verified chain; the admin is refused the audit page. Screenshots of each page.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  ApiClient,
  OWN_PASSWORD,
  SCREENS,
  choose,
  launchBrowser,
  makeDistrict,
  newPage,
  ownPasswords,
  realProblems,
  root,
  screenshot,
  startServer,
} from './harness.mjs'

let store
let server
let browser
const opened = []

before(async () => {
  store = makeDistrict()
  server = await startServer(store.db, ['--sign-ins-per-minute', '200', '--profiles-dir', join(root, 'profiles')])
  await ownPasswords(server.url, [], ['admin', 'reviewer', 'clerk', 'auditor', 'viewer', 'staff'])
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

async function signedIn(login, options) {
  const p = await open(options)
  await p.page.goto(`${server.url}/#/signin`)
  await p.page.locator('[data-test=login]').fill(login)
  await p.page.locator('[data-test=password]').fill(OWN_PASSWORD)
  await p.page.locator('[data-test=submit]').click()
  await p.page.locator('.layout__header').first().waitFor()
  return p
}

async function api(login) {
  const c = new ApiClient(server.url)
  await c.signIn(login, OWN_PASSWORD)
  return c
}

function csvOf(rows) {
  return rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n'
}

function districtRows(kind) {
  const text = readFileSync(join(store.district, `${kind}.csv`), 'utf8').replace(/^\uFEFF/, '')
  return text.trim().split(/\r?\n/).map((l) => l.split(','))
}

async function upload(page, name, content) {
  await page.locator('[data-test=drop] input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content) })
}

describe('imports', () => {
  test('an upload with a bad date shows its rejects; a strict one fails naming file, row and column', async () => {
    const { page, problems } = await signedIn('clerk')
    await page.goto(`${server.url}/#/imports`)
    await page.locator('[data-test=history] tbody tr').first().waitFor()
    await screenshot(page, 'imports')
    const rows = districtRows('police_births')
    const col = rows[0].indexOf('出生日期')
    rows[2][col] = 'not a date'
    const bad = csvOf(rows.slice(0, 5))
    await choose(page, page.locator('[data-test=kind]'), '公安出生登记')
    await upload(page, 'births-bad.csv', bad)
    await page.locator('[data-test=start-import]').click()
    const rejects = page.locator('[data-test=rejects]')
    await rejects.locator('tbody tr').first().waitFor()
    const text = await rejects.innerText()
    assert.match(text, /births-bad\.csv/)
    assert.match(text, /birth_date|出生日期/)
    assert.match(text, /not a date/)
    assert.match(await page.locator('[data-test=import-summary]').innerText(), /拒绝 1 行/)
    await screenshot(page, 'imports-rejects')
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=download-rejects]').click()])
    assert.equal(download.suggestedFilename(), 'births-bad-rejects.csv')
    const saved = readFileSync(await download.path(), 'utf8')
    assert.match(saved, /^\uFEFF文件,行,列,内容,原因/)
    assert.match(saved, /not a date/)

    // The same file, strict: nothing imported, the error names file, row and column.
    rows[3][col] = 'also bad'
    await page.locator('[data-test=strict]').click()
    await upload(page, 'births-strict.csv', csvOf(rows.slice(0, 5)))
    await page.locator('[data-test=start-import]').click()
    const failed = page.locator('[data-test=import-failed]')
    await failed.waitFor()
    const words = await failed.innerText()
    assert.match(words, /导入失败/)
    assert.match(words, /births-strict\.csv/)
    assert.match(words, /row 2|第 ?2 ?行/)
    assert.match(words, /birth_date|出生日期/)
    // the form kept its values
    assert.equal(await page.locator('[data-test=strict] input').isChecked(), true)
    await screenshot(page, 'imports-strict-failed')
    assert.deepEqual(realProblems(problems), [])
  })

  test('a department\'s own layout imports through a profile', async () => {
    const { page, problems } = await signedIn('clerk')
    await page.goto(`${server.url}/#/imports`)
    const rows = districtRows('death_certificates')
    const names = { death_date: '死亡时间', hospital: '填报单位', cause: '根本死因', name: '死者姓名', address: '常住地址', id_number: '证件号码' }
    rows[0] = rows[0].map((h) => names[h] ?? h)
    const own = csvOf([['序号', ...rows[0]], ...rows.slice(1, 4).map((r, i) => [String(i + 1), ...r])])
    await choose(page, page.locator('[data-test=kind]'), '死亡医学证明')
    await choose(page, page.locator('[data-test=profile]'), 'hospital-deaths')
    await upload(page, '医院死亡证明 2026-09.csv', own)
    await page.locator('[data-test=start-import]').click()
    const summary = page.locator('[data-test=import-summary]')
    await summary.waitFor()
    assert.match(await summary.innerText(), /导入 3 行，拒绝 0 行/)
    await page.locator('[data-test=history] tbody tr', { hasText: '医院死亡证明 2026-09.csv' }).waitFor()
    const imports = (await (await api('clerk')).get('/api/v1/imports')).imports
    assert.ok(imports.some((i) => i.file_name === '医院死亡证明 2026-09.csv' && i.imported === 3), JSON.stringify(imports))
    await screenshot(page, 'imports-profile')
    assert.deepEqual(realProblems(problems), [])
  })

  test('the import page on a phone', async () => {
    const { page } = await signedIn('clerk', { viewport: { width: 390, height: 844 } })
    await page.goto(`${server.url}/#/imports`)
    await page.locator('[data-test=history] tbody tr').first().waitFor()
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 392, `the page is ${width} px wide`)
    await screenshot(page, 'imports-phone')
  })
})

describe('comparisons', () => {
  test('a comparison runs with its progress to the end and says what it found', async () => {
    const { page, problems } = await signedIn('clerk')
    const before = (await (await api('clerk')).get('/api/v1/comparisons')).comparisons.length
    await page.goto(`${server.url}/#/comparisons`)
    await page.locator('[data-test=runs] tbody tr').first().waitFor()
    await page.locator('input[data-test=as-of], [data-test=as-of] input').fill('2026-09-30')
    await page.locator('input[data-test=as-of], [data-test=as-of] input').press('Enter')
    await page.locator('input[data-test=since], [data-test=since] input').fill('2025-10-01')
    await page.locator('input[data-test=since], [data-test=since] input').press('Enter')
    await page.locator('[data-test=start-comparison]').click()
    await page.locator('[data-test=job-progress]').waitFor()
    await screenshot(page, 'comparison-running')
    await page.locator('[data-test=job-progress][data-state=succeeded]').waitFor({ timeout: 120_000 })
    const summary = page.locator('[data-test=comparison-summary]')
    await summary.waitFor()
    const list = (await (await api('clerk')).get('/api/v1/comparisons')).comparisons
    assert.equal(list.length, before + 1)
    const newest = list.reduce((a, b) => (b.id > a.id ? b : a))
    assert.equal(newest.as_of, '2026-09-30')
    assert.equal(await page.locator('[data-test=summary-comparison]').innerText(), String(newest.id))
    assert.ok((await page.locator('[data-test=by-type] tbody tr').count()) > 0)
    await page.locator('[data-test=runs] tbody tr').nth(before).waitFor()
    await screenshot(page, 'comparison-done')
    assert.deepEqual(realProblems(problems), [])
  })
})

describe('reports', () => {
  test('the statistics page shows the API\'s figures', async () => {
    const { page, problems } = await signedIn('reviewer')
    await page.goto(`${server.url}/#/statistics`)
    const table = page.locator('[data-test=statistics-table] table')
    await table.locator('tbody tr').first().waitFor()
    const c = await api('reviewer')
    const comps = (await c.get('/api/v1/comparisons')).comparisons.filter((x) => x.finished_at)
    const newest = comps.reduce((a, b) => (b.id > a.id ? b : a))
    const report = await c.get(`/api/v1/reports/statistics?format=json&level=community&as_of=${newest.as_of}&since=${newest.since}`)
    const shown = await table.evaluate((t) => {
      const cols = [...t.querySelectorAll('thead th')].map((th) => th.getAttribute('data-column'))
      const rows = [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()))
      return { cols, rows }
    })
    assert.deepEqual(shown.cols, report.columns)
    assert.deepEqual(shown.rows, report.rows)
    await screenshot(page, 'statistics')
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=download-xlsx]').click()])
    assert.match(download.suggestedFilename(), /\.xlsx$/)
    assert.equal(readFileSync(await download.path()).subarray(0, 2).toString(), 'PK')
    assert.deepEqual(realProblems(problems), [])
  })

  test('progress, hand-over and assessment are tables; the bulletin is a PDF', async () => {
    const { page, problems } = await signedIn('reviewer')
    await page.goto(`${server.url}/#/progress`)
    await page.locator('[data-test=report-progress] tbody tr').first().waitFor()
    await screenshot(page, 'progress')
    await page.getByRole('tab', { name: '每月交接' }).click()
    await page.locator('[data-test=report-intake] tbody tr').first().waitFor()
    await page.getByRole('tab', { name: '督导通报' }).click()
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=bulletin]').click()])
    assert.equal(readFileSync(await download.path()).subarray(0, 4).toString(), '%PDF')
    assert.deepEqual(realProblems(problems), [])
  })

  test('a book is printed and its PDF downloaded', async () => {
    const { page, problems } = await signedIn('reviewer')
    await page.goto(`${server.url}/#/books`)
    await page.locator('[data-test=print-books]').click()
    const files = page.locator('[data-test=book-files] tbody tr')
    await files.first().waitFor({ timeout: 120_000 })
    await screenshot(page, 'books')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      files.first().locator('button').click(),
    ])
    assert.match(download.suggestedFilename(), /\.pdf$/)
    const bytes = readFileSync(await download.path())
    assert.equal(bytes.subarray(0, 4).toString(), '%PDF')
    assert.ok(bytes.length > 1000)
    assert.deepEqual(realProblems(problems), [])
  })

  test('incomplete information lists the API\'s persons', async () => {
    const { page, problems } = await signedIn('clerk')
    await page.goto(`${server.url}/#/incomplete`)
    await page.locator('[data-test=incomplete-table] tbody tr').first().waitFor()
    const persons = (await (await api('clerk')).get('/api/v1/incomplete')).persons
    assert.match(await page.locator('#incomplete-list').innerText(), new RegExp(`共 ${persons.length} 人`))
    await screenshot(page, 'incomplete')
    assert.deepEqual(realProblems(problems), [])
  })
})

describe('users and the audit log', () => {
  test('the admin adds a user', async () => {
    const { page, problems } = await signedIn('admin')
    assert.match(page.url(), /#\/users/)
    await page.locator('[data-test=users] tbody tr').first().waitFor()
    await page.locator('[data-test=add-user]').click()
    await page.locator('input[data-test=new-login], [data-test=new-login] input').fill('newviewer')
    await page.locator('input[data-test=new-name], [data-test=new-name] input').fill('新查阅员')
    await choose(page, page.locator('[data-test=new-role]'), '查阅人员')
    // Without areas the form says so and keeps what was typed.
    await page.locator('input[data-test=new-password], [data-test=new-password] input').fill('weak')
    await page.locator('[data-test=save-user]').click()
    await page.getByText('请至少填写一个区划代码').waitFor()
    assert.equal(await page.locator('input[data-test=new-login], [data-test=new-login] input').inputValue(), 'newviewer')
    await page.locator('[data-test=new-all-areas]').click()
    await page.locator('input[data-test=new-password], [data-test=new-password] input').fill('Viewer-pass-3')
    await screenshot(page, 'users-add')
    await page.locator('[data-test=save-user]').click()
    await page.locator('[data-test=users] tbody tr', { hasText: 'newviewer' }).first().waitFor()
    const users = (await (await api('admin')).get('/api/v1/users')).users
    const added = users.find((u) => u.login === 'newviewer')
    assert.ok(added, JSON.stringify(users))
    assert.equal(added.role, 'viewer')
    assert.equal(added.all_areas, true)
    assert.equal(added.must_change_password, true)
    await screenshot(page, 'users')
    assert.deepEqual(realProblems(problems), [])
  })

  test('the auditor sees the log and a verified chain', async () => {
    const { page, problems } = await signedIn('auditor')
    assert.match(page.url(), /#\/audit/)
    await page.locator('[data-test=chain-intact]').waitFor()
    const check = await (await api('auditor')).get('/api/v1/audit/verify')
    assert.equal(check.intact, true)
    assert.match(await page.locator('[data-test=chain-intact]').innerText(), /审计日志完整/)
    await page.locator('[data-test=audit-entries] tbody tr').first().waitFor()
    assert.ok((await page.locator('[data-test=audit-entries] tbody tr').count()) > 10)
    await page.locator('input[data-test=audit-who], [data-test=audit-who] input').fill('admin')
    await page.locator('[data-test=audit-search]').click()
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-test=audit-entries] tbody tr td:nth-child(4)')].every((td) => td.textContent.trim() === 'admin'),
    )
    await screenshot(page, 'audit')
    assert.deepEqual(realProblems(problems), [])
  })

  test('the admin is refused the audit page', async () => {
    const { page } = await signedIn('admin')
    await page.goto(`${server.url}/#/audit`)
    await page.waitForURL(/#\/users/)
    assert.equal(await page.locator('[data-test=audit-entries]').count(), 0)
    assert.equal(await page.locator('.side-nav [data-menu=audit]').count(), 0)
    const r = await (await api('admin')).call('GET', '/api/v1/audit')
    assert.equal(r.status, 403)
    await screenshot(page, 'admin-no-audit')
  })
})

