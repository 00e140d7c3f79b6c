// The worklist's keys: j/k move, v verify, a approve, r reject, n note, Enter opens, x selects,
// ? lists them. A key typed into a field, or with Ctrl, Alt or Meta, is the field's or the
// browser's. A row's checkbox is no field: after ticking rows with the mouse the keys go on
// working (a checkbox uses only the space bar, which is not one of them).
export type KeyCommand = 'next' | 'previous' | 'verify' | 'approve' | 'reject' | 'note' | 'open' | 'select' | 'help'

export const keyMap: readonly { key: string; command: KeyCommand }[] = [
  { key: 'j', command: 'next' },
  { key: 'k', command: 'previous' },
  { key: 'v', command: 'verify' },
  { key: 'a', command: 'approve' },
  { key: 'r', command: 'reject' },
  { key: 'n', command: 'note' },
  { key: 'Enter', command: 'open' },
  { key: 'x', command: 'select' },
  { key: '?', command: 'help' },
]

export interface KeyLike {
  key: string
  ctrlKey?: boolean
  altKey?: boolean
  metaKey?: boolean
  /** The element the key was typed in. */
  target?: unknown
}

interface ElementLike {
  tagName?: string
  isContentEditable?: boolean
  getAttribute?: (name: string) => string | null
}

function typing(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false
  const el = target as ElementLike
  const tag = (el.tagName ?? '').toUpperCase()
  if (tag === 'INPUT') {
    const type = typeof el.getAttribute === 'function' ? el.getAttribute('type') : null
    return type?.toLowerCase() !== 'checkbox'
  }
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (el.isContentEditable) return true
  return typeof el.getAttribute === 'function' && el.getAttribute('role') === 'combobox'
}

/** The command of a key press, or null when it is not the list's. */
export function commandOf(e: KeyLike): KeyCommand | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null
  if (typing(e.target)) return null
  const key = e.key.length === 1 && e.key !== '?' ? e.key.toLowerCase() : e.key
  if (key === 'ArrowDown') return 'next'
  if (key === 'ArrowUp') return 'previous'
  return keyMap.find((m) => m.key === key)?.command ?? null
}

/** The cursor after `command` in a list of `count` rows (-1: none yet). */
export function moveCursor(cursor: number, command: 'next' | 'previous', count: number): number {
  if (count <= 0) return -1
  if (command === 'next') return Math.min(count - 1, cursor + 1)
  return Math.max(0, cursor < 0 ? 0 : cursor - 1)
}
