// What the dashboard shows, read from the server's answers without changing a figure: the
// campaign's dates, the progress report by community, the hand-over report as a grid, the
// statistics comparison's totals. Every count, state and "overdue" is the server's.
import type { Campaign, ItemStatus, ReportTable } from '@/api/types'
import { itemStatuses } from '@/api/types'
import { daysBetween } from '@/lib/dates'
import { count, num, records } from '@/lib/reportTable'

// -- the campaign ---------------------------------------------------------------------------

export type CampaignPhase = 'before' | 'startup' | 'implementation' | 'acceptance' | 'ended'
export type DeadlineKey = 'startup_end' | 'reporting_deadline' | 'entry_deadline' | 'end'
export const deadlineKeys: readonly DeadlineKey[] = ['startup_end', 'reporting_deadline', 'entry_deadline', 'end']

export interface CampaignView {
  campaign: Campaign
  phase: CampaignPhase
  deadlines: { key: DeadlineKey; date: string; days: number }[]
}

/** The phase on `today` by the campaign's dates (docs/reports.md: start-up from start to the
 * end of start-up, implementation to the entry deadline, acceptance to the end), and the days
 * from today to each deadline (negative: past). */
export function campaignView(campaign: Campaign, today: string): CampaignView {
  let phase: CampaignPhase
  if (today < campaign.start) phase = 'before'
  else if (today <= campaign.startup_end) phase = 'startup'
  else if (today <= campaign.entry_deadline) phase = 'implementation'
  else if (today <= campaign.end) phase = 'acceptance'
  else phase = 'ended'
  return {
    campaign,
    phase,
    deadlines: deadlineKeys.map((key) => ({ key, date: campaign[key], days: daysBetween(today, campaign[key]) })),
  }
}

/** The newest campaign (the one the reports use by default: the highest id). */
export function newestCampaign(list: readonly Campaign[]): Campaign | null {
  return list.reduce<Campaign | null>((best, c) => (!best || c.id > best.id ? c : best), null)
}

// -- progress -------------------------------------------------------------------------------

export type Milestone = 'startup' | 'reporting' | 'entry' | 'acceptance'

export interface MilestoneRow {
  phase: string
  phaseName: string
  deadline: string
  items: number
  counts: Record<ItemStatus, number>
  done: number
  donePct: number
  overdue: boolean
}

export interface CommunityProgress {
  code: string
  name: string
  townshipName: string
  milestones: MilestoneRow[]
  /** The acceptance milestone's row: every item found so far, by state. */
  all: MilestoneRow | null
  overdue: boolean
}

export interface ProgressView {
  communities: CommunityProgress[]
  district: CommunityProgress | null
}

/** The progress report (GET /api/v1/reports/progress) grouped by community, in its order;
 * the district's total rows (community code '') apart. */
export function progressView(table: ReportTable): ProgressView {
  const byCode = new Map<string, CommunityProgress>()
  for (const r of records(table)) {
    const code = r['community_code'] ?? ''
    let c = byCode.get(code)
    if (!c) {
      c = { code, name: r['community_name'] ?? code, townshipName: r['township_name'] ?? '', milestones: [], all: null, overdue: false }
      byCode.set(code, c)
    }
    const counts = Object.fromEntries(itemStatuses.map((s) => [s, count(r[s])])) as Record<ItemStatus, number>
    const m: MilestoneRow = {
      phase: r['phase'] ?? '',
      phaseName: r['phase_name'] ?? '',
      deadline: r['deadline'] ?? '',
      items: count(r['items']),
      counts,
      done: count(r['done']),
      donePct: num(r['done_pct']) ?? 0,
      overdue: r['overdue'] === '1' || r['overdue'] === '是',
    }
    c.milestones.push(m)
    if (m.phase === 'acceptance') c.all = m
    if (m.overdue) c.overdue = true
  }
  const district = byCode.get('') ?? null
  byCode.delete('')
  return { communities: [...byCode.values()], district }
}

// -- the monthly hand-over ------------------------------------------------------------------

export type IntakeState = 'received' | 'late' | 'missing' | 'pending'

export interface IntakeCell {
  /** The cell's state: the worst of its rows (missing, late, pending, received). */
  state: IntakeState
  /** Files received (received or late rows). */
  files: number
  /** The most days late among its rows (late and missing rows). */
  daysLate: number
  due: string
}

export interface IntakeGrid {
  departments: { kind: string; name: string }[]
  months: string[]
  cells: Map<string, IntakeCell>
}

const severity: Record<IntakeState, number> = { received: 0, pending: 1, late: 2, missing: 3 }

export function intakeKey(kind: string, month: string): string {
  return `${kind}|${month}`
}

/** The hand-over report (GET /api/v1/reports/intake) as department x month. */
export function intakeGrid(table: ReportTable): IntakeGrid {
  const departments: { kind: string; name: string }[] = []
  const months = new Set<string>()
  const cells = new Map<string, IntakeCell>()
  for (const r of records(table)) {
    const kind = r['kind'] ?? ''
    const month = r['month'] ?? ''
    const state = (r['state'] ?? 'missing') as IntakeState
    if (!departments.some((d) => d.kind === kind)) departments.push({ kind, name: r['department'] ?? kind })
    months.add(month)
    const key = intakeKey(kind, month)
    const received = state === 'received' || state === 'late' ? 1 : 0
    const late = state === 'late' || state === 'missing' ? count(r['days_late']) : 0
    const cell = cells.get(key)
    if (!cell) {
      cells.set(key, { state, files: received, daysLate: late, due: r['due'] ?? '' })
    } else {
      if ((severity[state] ?? 0) > (severity[cell.state] ?? 0)) cell.state = state
      cell.files += received
      cell.daysLate = Math.max(cell.daysLate, late)
    }
  }
  return { departments, months: [...months].sort(), cells }
}

// -- the statistics comparison --------------------------------------------------------------

export interface Figures {
  total: number | null
  births: number | null
  deaths: number | null
}

export interface StatisticsRow {
  level: string
  code: string
  name: string
  register: Figures
  /** The police population list for the total; all departments together for births and
   * deaths (police births, vaccinations, cremations, death certificates). */
  police: Figures
  manual: Figures
}

/** The statistics comparison's rows (GET /api/v1/reports/statistics): the register, the police
 * and departments, and the manual report, per area; the total row last. */
export function statisticsRows(table: ReportTable): StatisticsRow[] {
  return records(table).map((r) => ({
    level: r['level'] ?? '',
    code: r['code'] ?? '',
    name: r['name'] ?? '',
    register: { total: num(r['reg_total']), births: num(r['reg_births']), deaths: num(r['reg_deaths']) },
    police: {
      total: num(r['police_population_persons']),
      births: num(r['departments_births']),
      deaths: num(r['departments_deaths']),
    },
    manual: { total: num(r['manual_total']), births: num(r['manual_births']), deaths: num(r['manual_deaths']) },
  }))
}

/** The row that totals the others (level district, or total for an area). */
export function totalRow(rows: readonly StatisticsRow[]): StatisticsRow | null {
  return rows.find((r) => r.level === 'district' || r.level === 'total') ?? null
}
