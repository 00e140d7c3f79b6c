// The imports of the API (api/openapi.yaml, tag jobs): the profiles, the upload, the history.
import { api } from '@/api'
import type { components } from '@/api/schema'
import type { JobStarted } from '@/api/types'

export type ImportRecord = components['schemas']['Import']

export interface Profile {
  name: string
  kinds: string[]
  problem: string | null
}

export interface UploadOptions {
  kind: string
  name: string
  month?: string
  profile?: string
  strict?: boolean
  replace?: boolean
}

export async function listImports(): Promise<ImportRecord[]> {
  return (await api.get<{ imports: ImportRecord[] }>('/api/v1/imports')).imports
}

export async function listProfiles(): Promise<Profile[]> {
  return (await api.get<{ profiles: Profile[] }>('/api/v1/profiles')).profiles
}

/** Sends the file as the request's body; what it is goes in the query. */
export function startImport(file: Blob, o: UploadOptions): Promise<JobStarted> {
  return api.upload<JobStarted>('/api/v1/imports', file, {
    kind: o.kind,
    name: o.name,
    month: o.month,
    profile: o.profile,
    strict: o.strict ? 'true' : undefined,
    replace: o.replace ? 'true' : undefined,
  })
}
