// src/api/schema.d.ts is what `npm run api-types` makes of api/openapi.yaml today.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const web = fileURLToPath(new URL('../..', import.meta.url))

describe('the API types', () => {
  it('are generated from the present api/openapi.yaml (run npm run api-types)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-types-'))
    try {
      const out = join(dir, 'schema.d.ts')
      execFileSync(process.execPath, [join(web, 'node_modules/openapi-typescript/bin/cli.js'), join(web, '../api/openapi.yaml'), '-o', out], {
        stdio: 'pipe',
      })
      expect(readFileSync(join(web, 'src/api/schema.d.ts'), 'utf8')).toBe(readFileSync(out, 'utf8'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
