// Two values side by side, character by character: the longest common subsequence of their
// characters (code points, so that a CJK character or an X is one), each side's characters
// marked same or changed.
export interface Segment {
  text: string
  changed: boolean
}

export interface CharDiff {
  left: Segment[]
  right: Segment[]
  /** Whether the two differ at all. */
  differs: boolean
}

function pushChar(out: Segment[], ch: string, changed: boolean): void {
  const last = out[out.length - 1]
  if (last && last.changed === changed) last.text += ch
  else out.push({ text: ch, changed })
}

/** The character diff of `a` (left) and `b` (right). Long values (over 400 characters) are
 * compared whole. */
export function charDiff(a: string, b: string): CharDiff {
  if (a === b) return { left: a ? [{ text: a, changed: false }] : [], right: b ? [{ text: b, changed: false }] : [], differs: false }
  const x = Array.from(a)
  const y = Array.from(b)
  if (x.length > 400 || y.length > 400) {
    return { left: a ? [{ text: a, changed: true }] : [], right: b ? [{ text: b, changed: true }] : [], differs: true }
  }
  const n = x.length
  const m = y.length
  // lcs[i][j]: the LCS of x[i..] and y[j..]
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  const left: Segment[] = []
  const right: Segment[] = []
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      pushChar(left, x[i]!, false)
      pushChar(right, y[j]!, false)
      i++
      j++
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      pushChar(left, x[i++]!, true)
    } else {
      pushChar(right, y[j++]!, true)
    }
  }
  while (i < n) pushChar(left, x[i++]!, true)
  while (j < m) pushChar(right, y[j++]!, true)
  return { left, right, differs: true }
}

/** What kind of difference the comparison saw in a name, by the level its explanation gives
 * (the server's word; the UI does not judge readings or character forms itself):
 * `homophone` (same pinyin), `lookalike` (characters that look alike), `variant` (equal once
 * traditional and variant forms are folded: the comparison called them exact although they
 * differ), or null. */
export type NameKind = 'homophone' | 'lookalike' | 'variant' | null

export function nameKind(level: string | undefined, left: string, right: string): NameKind {
  if (!level || !left || !right || left === right) return null
  if (level === 'pinyin' || level.startsWith('pinyin_')) return 'homophone'
  if (level === 'lookalike') return 'lookalike'
  if (level === 'exact') return 'variant'
  return null
}
