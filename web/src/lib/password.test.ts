import { describe, expect, it } from 'vitest'
import { passwordStrength } from './password'

describe('the password rule (recon::CheckPasswordStrength)', () => {
  it('needs 8 characters of 3 kinds', () => {
    expect(passwordStrength('Abcdefg1').ok).toBe(true)
    expect(passwordStrength('Abcdef1').ok).toBe(false) // 7 characters
    expect(passwordStrength('abcdefgh1').ok).toBe(false) // 2 kinds
    expect(passwordStrength('abcdefgh1-')).toMatchObject({ ok: true, kinds: 3, other: true })
  })

  it('counts characters, not bytes; a Chinese character is another sign', () => {
    expect(passwordStrength('密码密码密码ab')).toMatchObject({ characters: 8, kinds: 2, ok: false })
    expect(passwordStrength('密码密码密码a1')).toMatchObject({ characters: 8, kinds: 3, ok: true })
    expect(passwordStrength('')).toMatchObject({ characters: 0, kinds: 0, ok: false })
  })
})
