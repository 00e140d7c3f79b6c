// The server's password rule (recon::CheckPasswordStrength, docs/server.md): at least 8
// characters of at least three kinds (lower-case letters, upper-case letters, digits, other
// signs; a character outside ASCII counts as another sign). Shown while a new password is
// typed; the server checks again.

export interface PasswordStrength {
  characters: number
  kinds: number
  lower: boolean
  upper: boolean
  digit: boolean
  other: boolean
  ok: boolean
}

export const minPasswordLength = 8
export const minPasswordKinds = 3

export function passwordStrength(password: string): PasswordStrength {
  let characters = 0
  let lower = false
  let upper = false
  let digit = false
  let other = false
  for (const ch of password) {
    characters++
    if (ch >= 'a' && ch <= 'z') lower = true
    else if (ch >= 'A' && ch <= 'Z') upper = true
    else if (ch >= '0' && ch <= '9') digit = true
    else other = true
  }
  const kinds = Number(lower) + Number(upper) + Number(digit) + Number(other)
  return {
    characters,
    kinds,
    lower,
    upper,
    digit,
    other,
    ok: characters >= minPasswordLength && kinds >= minPasswordKinds,
  }
}
