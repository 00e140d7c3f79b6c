// The areas a form offers to choose from: the townships and communities the user has
// (GET /api/v1/areas marks them `yours`), each township followed by its communities.
import type { Area } from '@/api/types'

export function townshipsAndCommunities(areas: readonly Area[]): Area[] {
  const mine = areas.filter((a) => a.yours && (a.level === 'community' || a.level === 'township'))
  const townships = mine.filter((a) => a.level === 'township')
  const out: Area[] = []
  for (const tw of townships) {
    out.push(tw)
    out.push(...mine.filter((a) => a.level === 'community' && a.parent_code === tw.code))
  }
  out.push(...mine.filter((a) => !out.includes(a)))
  return out
}
