#!/usr/bin/env node
// Runs the browser tests: node tests/web/run.mjs [POPREG [WORK_DIR]] (the environment's
// POPREG, WORK_DIR, SCREENS_DIR, WEB_ROOT, CHROMIUM otherwise; tests/web/harness.mjs).
// The binary serves the UI built into it; with WEB_ROOT, the UI built there
// (npm --prefix web run build) instead.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const env = { ...process.env }
if (process.argv[2]) env.POPREG = resolve(process.argv[2])
if (process.argv[3]) env.WORK_DIR = resolve(process.argv[3])
if (env.WEB_ROOT && !existsSync(join(env.WEB_ROOT, 'index.html'))) {
  console.error(`${env.WEB_ROOT}/index.html is missing: build the UI first (npm --prefix web run build)`)
  process.exit(2)
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', join(here, 'ui.test.mjs'), join(here, 'review.test.mjs'), join(here, 'office.test.mjs')], {
  env,
  stdio: 'inherit',
})
process.exit(r.status ?? 1)
