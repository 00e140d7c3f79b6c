// What a row of the worklist says. The rows in view are drawn anew at each row a scroll passes,
// so the words of the language are looked up once per language, not once per row and frame.
import type { Item } from '@/api/types'

/** The person a row is about: their register key, else the source's ID number or birth key. */
export function person(item: Item): string {
  return item.register_key || item.source_id_number || item.birth_key || ''
}

/** A match probability as a percentage ('—' when there is none). */
export function probabilityText(p: number | null | undefined): string {
  if (typeof p !== 'number') return '—'
  return p >= 0.9995 ? '>99.9%' : `${(p * 100).toFixed(1)}%`
}

/** A message of one placeholder as a function of its value: `message` is asked once (with a
 * marker for the value), and each call after that only joins strings. */
export function messageWith(message: (value: string) => string): (value: string | number) => string {
  const marker = '\u0000'
  const parts = message(marker).split(marker)
  return (value) => parts.join(String(value))
}
