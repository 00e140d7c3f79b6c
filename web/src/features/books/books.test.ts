import { describe, expect, it } from 'vitest'
import type { Area, Job } from '@/api/types'
import { bookFiles, printableAreas } from './books'

describe('the books', () => {
  it('are the files of the print job', () => {
    const job = {
      id: 4,
      state: 'succeeded',
      result: { folder: '/x', files: [{ name: 'a-1.pdf', community_code: 'c1', community_name: '霞桂社区', book: 1, books: 2, households: 150, pages: 300 }] },
    } as unknown as Job
    expect(bookFiles(job)).toEqual([
      { name: 'a-1.pdf', communityCode: 'c1', communityName: '霞桂社区', book: 1, books: 2, households: 150, pages: 300 },
    ])
    expect(bookFiles({ ...job, state: 'running' })).toEqual([])
    expect(bookFiles(null)).toEqual([])
  })
  it('are printed for the user\'s townships and communities, each township before its own', () => {
    const a = (code: string, level: string, parent: string, yours = true): Area => ({ code, name: code, level, parent_code: parent, yours })
    const areas = [a('d', 'district', ''), a('t1', 'township', 'd'), a('c2', 'community', 't2'), a('c1', 'community', 't1'), a('t2', 'township', 'd'), a('c3', 'community', 't2', false)]
    expect(printableAreas(areas).map((x) => x.code)).toEqual(['t1', 'c1', 't2', 'c2'])
  })
})
