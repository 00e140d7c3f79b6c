// Keyset pages going back and forth: the `after` of each page seen so far is kept, so that
// "previous" asks for the page before again and "next" the server's `next`.

export interface Pager {
  /** The `after` of each page up to the one shown (null: the first page). */
  trail: (number | null)[]
  /** The server's `next` of the page shown (null: the last page). */
  next: number | null
}

export function firstPage(): Pager {
  return { trail: [null], next: null }
}

/** The `after` of the page shown. */
export function currentAfter(p: Pager): number | null {
  return p.trail[p.trail.length - 1] ?? null
}

export function pageNumber(p: Pager): number {
  return p.trail.length
}

/** The pager after the page shown answered `next`. */
export function shown(p: Pager, next: number | null): Pager {
  return { trail: p.trail, next }
}

export function forward(p: Pager): Pager | null {
  return p.next === null ? null : { trail: [...p.trail, p.next], next: null }
}

export function back(p: Pager): Pager | null {
  return p.trail.length <= 1 ? null : { trail: p.trail.slice(0, -1), next: null }
}

/** An audit entry's details as one line of text (the server's JSON, as it is). */
export function detailsText(details: unknown): string {
  if (details === null || details === undefined) return ''
  if (typeof details === 'string') return details
  const s = JSON.stringify(details)
  return s === '{}' ? '' : s
}
