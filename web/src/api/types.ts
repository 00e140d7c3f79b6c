// Names for the shapes of api/openapi.yaml (src/api/schema.d.ts is generated from it by
// `npm run api-types`; a unit test checks that it is up to date).
import type { components, operations } from './schema'

type Schemas = components['schemas']
type Json<Op extends keyof operations, Status extends number> =
  operations[Op]['responses'] extends { [S in Status]: { content: { 'application/json': infer B } } }
    ? B
    : never

export type User = Schemas['User']
export type Role = User['role']
export type Session = Schemas['Session']
export type Job = Schemas['Job']
export type Item = Schemas['Item']
export type ItemType = Schemas['ItemType']
export type ItemStatus = Schemas['ItemStatus']
export type Totals = Schemas['Totals']
export type Campaign = Schemas['Campaign']
export type ErrorBody = Schemas['Error']
export type ErrorCode = ErrorBody['error']['code']

/** A report as a table: `format=json` of the report routes (the report's own CSV read back). */
export interface ReportTable {
  columns: string[]
  rows: string[][]
}

export type JobStarted = Json<'startComparison', 202>
export type ItemPage = Json<'listItems', 200>
export type TotalsReply = Json<'registerTotals', 200>
export type AreasReply = Json<'listAreas', 200>
export type Area = AreasReply['areas'][number]
export type ComparisonsReply = Json<'listComparisons', 200>
export type Comparison = ComparisonsReply['comparisons'][number]
export type CampaignsReply = Json<'listCampaigns', 200>
export type SignOutEverywhereReply = Json<'signOutEverywhere', 200>

/** Every item type and status, in the order of the OpenAPI document. */
export const itemTypes: readonly ItemType[] = [
  'missing_in_register',
  'absent_from_source',
  'field_mismatch',
  'unrecorded_birth',
  'unrecorded_death',
  'duplicate_in_register',
  'invalid_id_number',
  'incomplete_record',
  'card_correction',
]
export const itemStatuses: readonly ItemStatus[] = [
  'open',
  'verified',
  'disputed',
  'approved',
  'rejected',
  'applied',
  'resolved',
]
export const roles: readonly Role[] = ['admin', 'reviewer', 'community', 'clerk', 'viewer', 'auditor']
