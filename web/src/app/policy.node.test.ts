// The UI's copy of the policy table (app/policy.ts) is the server's (src/recon/policy.cc).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { roleMay, type Action } from './policy'

const policy = readFileSync(fileURLToPath(new URL('../../../src/recon/policy.cc', import.meta.url)), 'utf8')
const roles = ['admin', 'reviewer', 'community', 'clerk', 'viewer', 'auditor'] as const

describe('app/policy.ts', () => {
  it('is recon::Allow\'s table, row by row', () => {
    const rows = [...policy.matchAll(/\{Action::k(\w+),\s*(true|false),\s*(true|false),\s*(true|false),\s*(true|false),\s*(true|false),\s*(true|false)\}/g)]
    expect(rows.length).toBeGreaterThan(15)
    for (const r of rows) {
      const action = r[1]!.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase()) as Action
      roles.forEach((role, i) => {
        expect(roleMay(role, action), `${role} ${action}`).toBe(r[i + 2] === 'true')
      })
    }
  })
})
