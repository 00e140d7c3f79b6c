// The incomplete persons (api/openapi.yaml, tag register): the living persons who lack a
// required value and since when, and the same list as a file.
import { api } from '@/api'

export interface IncompletePerson {
  community_code: string
  key: string
  name: string
  sex: string
  birth_date: string
  id_number: string
  missing: string
  since: string
}

export interface IncompleteReply {
  as_of: string
  persons: IncompletePerson[]
}

export const incompleteFilePath = '/api/v1/reports/incomplete'

export function listIncomplete(community?: string, asOf?: string): Promise<IncompleteReply> {
  return api.get<IncompleteReply>('/api/v1/incomplete', { community, as_of: asOf })
}

export { listAreas } from '@/features/register/api'
