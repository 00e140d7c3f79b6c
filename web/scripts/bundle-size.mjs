#!/usr/bin/env node
// Prints the size of web/dist, raw and gzipped, per file and in all (run after npm run build):
// the number the issue asks to record.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const dist = fileURLToPath(new URL('../dist', import.meta.url))
const files = []
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name)
    if (statSync(p).isDirectory()) walk(p)
    else files.push(p)
  }
}
walk(dist)
let raw = 0
let gz = 0
const rows = files.map((f) => {
  const data = readFileSync(f)
  const g = gzipSync(data, { level: 9 }).length
  raw += data.length
  gz += g
  return [relative(dist, f), data.length, g]
})
rows.sort((a, b) => b[1] - a[1])
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`
for (const [name, r, g] of rows) console.log(`${kb(r).padStart(11)} ${kb(g).padStart(11)}  ${name}`)
console.log(`${kb(raw).padStart(11)} ${kb(gz).padStart(11)}  total (raw, gzip -9) of ${rows.length} files`)
