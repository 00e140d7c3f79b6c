// The rows of a long list that are drawn: those in view and a few around them; the list's
// height is all rows' so the scroll bar is true.
export interface Range {
  start: number
  end: number
}

/** Rows [start, end) to draw for a viewport scrolled to `scrollTop`. */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8): Range {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 }
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight)
  const shown = Math.ceil(Math.max(0, viewport) / rowHeight) + 1
  const start = Math.max(0, Math.min(count - 1, first) - overscan)
  const end = Math.min(count, first + shown + overscan)
  return { start, end }
}

/** `next`, or `previous` when it names the same rows: a range kept while a scroll stays
 * within its first and last rows makes nothing that depends on it draw again. */
export function keepRange(previous: Range, next: Range): Range {
  return previous.start === next.start && previous.end === next.end ? previous : next
}

/** Whether the next page should be asked for: the drawn rows come within `ahead` of the
 * loaded end and the server has more. */
export function wantsMore(range: Range, loaded: number, hasMore: boolean, ahead = 100): boolean {
  return hasMore && range.end + ahead >= loaded
}

/** The scrollTop that shows row `index` whole, from `scrollTop` (unchanged when it is). */
export function scrollToShow(index: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const top = index * rowHeight
  if (top < scrollTop) return top
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport
  return scrollTop
}
