// Checks a resident identity number as it is typed (GB 11643-1999): 18 characters, the 17th
// digits followed by a check character by ISO 7064 MOD 11-2 (weights 2^(17-i) mod 11, the
// remainder of their sum mapping to 1 0 X 9 8 7 6 5 4 3 2), the birth date in characters 7 to
// 14 a real date not after today. An old 15-digit number (before 1999: YYMMDD in 19YY, no
// check character) is accepted when its date is real. The server checks again; this only lets
// a form say what is wrong before it is sent.

export type IdProblem = 'empty' | 'length' | 'characters' | 'date' | 'future' | 'check'

export type IdCheck =
  | { ok: true; normalized: string; birthDate: string; sex: 'M' | 'F' }
  | { ok: false; problem: IdProblem; length: number; date?: string; expected?: string }

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const checkChars = '10X98765432'

/** The check character of the first 17 digits of an 18-character number. */
export function checkCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('17 digits expected')
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!
  return checkChars[sum % 11]!
}

/** The number as typed, normalised: full-width digits and letters to ASCII, spaces removed,
 * x to X. */
export function normalizeIdNumber(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toUpperCase()
}

function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1850) return false
  const dt = new Date(Date.UTC(y, m - 1, d))
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d
}

/** Checks `text`; `today` is YYYY-MM-DD (the birth date may not be after it). */
export function checkIdNumber(text: string, today: string): IdCheck {
  const id = normalizeIdNumber(text)
  const length = id.length
  if (length === 0) return { ok: false, problem: 'empty', length }
  if (length !== 18 && length !== 15) {
    return /^\d*X?$/.test(id) ? { ok: false, problem: 'length', length } : { ok: false, problem: 'characters', length }
  }
  const pattern = length === 18 ? /^\d{17}[\dX]$/ : /^\d{15}$/
  if (!pattern.test(id)) return { ok: false, problem: 'characters', length }
  const y = length === 18 ? Number(id.slice(6, 10)) : 1900 + Number(id.slice(6, 8))
  const rest = length === 18 ? id.slice(10, 14) : id.slice(8, 12)
  const m = Number(rest.slice(0, 2))
  const d = Number(rest.slice(2, 4))
  const date = `${String(y).padStart(4, '0')}-${rest.slice(0, 2)}-${rest.slice(2, 4)}`
  if (!realDate(y, m, d)) return { ok: false, problem: 'date', length, date }
  if (date > today) return { ok: false, problem: 'future', length, date }
  if (length === 18) {
    const expected = checkCharacter(id.slice(0, 17))
    if (id[17] !== expected) return { ok: false, problem: 'check', length, expected }
  }
  const sexDigit = Number(length === 18 ? id[16] : id[14])
  return { ok: true, normalized: id, birthDate: date, sex: sexDigit % 2 === 1 ? 'M' : 'F' }
}
