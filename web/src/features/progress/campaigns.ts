// A campaign's form: its dates as the user typed them, and the change sent to the server (only
// what differs from the campaign; the server checks the dates' order and says what is wrong).
import type { Campaign } from '@/api/types'
import type { CampaignChange } from './api'

export const campaignDates = ['start', 'startup_end', 'reporting_deadline', 'entry_deadline', 'end'] as const
export type CampaignDate = (typeof campaignDates)[number]

export interface CampaignForm {
  name: string
  start: string
  startup_end: string
  reporting_deadline: string
  entry_deadline: string
  end: string
  handover_day: number | null
}

export function emptyForm(): CampaignForm {
  return { name: '', start: '', startup_end: '', reporting_deadline: '', entry_deadline: '', end: '', handover_day: null }
}

export function formOf(c: Campaign): CampaignForm {
  return {
    name: c.name,
    start: c.start,
    startup_end: c.startup_end,
    reporting_deadline: c.reporting_deadline,
    entry_deadline: c.entry_deadline,
    end: c.end,
    handover_day: c.handover_day,
  }
}

/** The body of POST (no `base`: every value given; unset dates come from the work plan) or of
 * PATCH (only the values that differ from `base`). */
export function changeOf(form: CampaignForm, base: Campaign | null): CampaignChange {
  const out: CampaignChange = {}
  const name = form.name.trim()
  if (name && name !== base?.name) out.name = name
  for (const k of campaignDates) {
    if (form[k] && form[k] !== base?.[k]) out[k] = form[k]
  }
  if (form.handover_day !== null && form.handover_day !== base?.handover_day) out.handover_day = form.handover_day
  return out
}
