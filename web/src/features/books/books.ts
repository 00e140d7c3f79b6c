// What a print job wrote: its files (one PDF per book of a community), read from the job's
// result as the server gave it.
import type { Job } from '@/api/types'

export interface BookFile {
  name: string
  communityCode: string
  communityName: string
  book: number
  books: number
  households: number
  pages: number
}

export function bookFiles(job: Job | null): BookFile[] {
  if (!job || job.state !== 'succeeded' || typeof job.result !== 'object' || job.result === null) return []
  const files = (job.result as Record<string, unknown>)['files']
  if (!Array.isArray(files)) return []
  const n = (v: unknown) => (typeof v === 'number' ? v : 0)
  const s = (v: unknown) => (typeof v === 'string' ? v : '')
  return files.map((f: unknown) => {
    const o = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>
    return {
      name: s(o['name']),
      communityCode: s(o['community_code']),
      communityName: s(o['community_name']),
      book: n(o['book']),
      books: n(o['books']),
      households: n(o['households']),
      pages: n(o['pages']),
    }
  })
}

/** The areas books can be printed for: the user's townships and communities, in order. */
export { townshipsAndCommunities as printableAreas } from '@/features/register/areas'
