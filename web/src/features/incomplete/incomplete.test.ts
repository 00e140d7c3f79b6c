import { describe, expect, it } from 'vitest'
import { countByField, missingFields } from './incomplete'

describe('the incomplete persons', () => {
  it('list the fields each lacks', () => {
    expect(missingFields('name')).toEqual(['name'])
    expect(missingFields('name, id_number')).toEqual(['name', 'id_number'])
    expect(missingFields('')).toEqual([])
  })
  it('are counted by field, most first', () => {
    expect(countByField([{ missing: 'id_number' }, { missing: 'name,id_number' }, { missing: 'birth_date' }])).toEqual([
      { field: 'id_number', count: 2 },
      { field: 'birth_date', count: 1 },
      { field: 'name', count: 1 },
    ])
  })
})
