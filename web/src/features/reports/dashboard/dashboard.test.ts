import { describe, expect, it } from 'vitest'
import type { Campaign } from '@/api/types'
import { campaignView, intakeGrid, intakeKey, newestCampaign, progressView, statisticsRows, totalRow } from './dashboard'

// Answers of a live `popreg serve` (a generated district of 400 households).
const campaign: Campaign = {
  created_at: '2026-12-06T03:52:28.419Z',
  created_by: 'admin',
  end: '2027-03-22',
  entry_deadline: '2027-02-20',
  handover_day: 3,
  id: 1,
  name: '户卡整理专项行动',
  reporting_deadline: '2027-01-21',
  start: '2026-11-22',
  startup_end: '2026-12-05',
  today: '2026-12-06',
  phase: 'startup',
}

const progress = {
  columns: ['community_code', 'community_name', 'township_code', 'township_name', 'phase', 'phase_name', 'deadline', 'items', 'open', 'verified', 'disputed', 'approved', 'rejected', 'applied', 'resolved', 'done', 'done_pct', 'overdue'],
  rows: [
    ['350902001001', '霞桂社区', '350902001000', '秋乐街道', 'startup', '启动部署', '2026-12-05', '0', '0', '0', '0', '0', '0', '0', '0', '2', '100.0', '0'],
    ['350902001001', '霞桂社区', '350902001000', '秋乐街道', 'reporting', '社区上报', '2027-01-21', '52', '40', '7', '0', '3', '0', '2', '0', '12', '23.1', '0'],
    ['350902001001', '霞桂社区', '350902001000', '秋乐街道', 'acceptance', '检查验收', '2027-03-22', '52', '40', '7', '0', '3', '0', '2', '0', '2', '3.8', '0'],
    ['350902101200', '头春村', '350902101000', '竹春镇', 'startup', '启动部署', '2026-12-05', '0', '0', '0', '0', '0', '0', '0', '0', '1', '50.0', '1'],
    ['350902101200', '头春村', '350902101000', '竹春镇', 'acceptance', '检查验收', '2027-03-22', '57', '57', '0', '0', '0', '0', '0', '0', '0', '0.0', '0'],
    ['', '全区合计', '', '', 'startup', '启动部署', '2026-12-05', '0', '0', '0', '0', '0', '0', '0', '0', '3', '75.0', '1'],
    ['', '全区合计', '', '', 'acceptance', '检查验收', '2027-03-22', '109', '97', '7', '0', '3', '0', '2', '0', '2', '1.8', '0'],
  ],
}

const intake = {
  columns: ['state', 'kind', 'department', 'community_code', 'community_name', 'month', 'due', 'received_at', 'received_by', 'rows', 'rejects', 'import_id', 'file_name', 'days_late'],
  rows: [
    ['received', 'police_population', '公安户籍', '', '全部', '2026-10', '2026-11-03', '2026-11-02T03:52:24.749Z', 'clerk', '1122', '0', '3', 'p.csv', '0'],
    ['late', 'police_population', '公安户籍', '', '全部', '2026-11', '2026-12-03', '2026-12-06T03:52:24.749Z', 'clerk', '1122', '0', '3', 'police_population.csv', '3'],
    ['missing', 'police_births', '公安出生登记', '', '全部', '2026-11', '2026-12-03', '', '', '', '', '', '', '3'],
    ['received', 'vaccinations', '预防接种', '350902001001', '霞桂社区', '2026-11', '2026-12-03', '2026-12-01T00:00:00Z', 'clerk', '4', '0', '9', 'v1.csv', '0'],
    ['late', 'vaccinations', '预防接种', '350902101200', '头春村', '2026-11', '2026-12-03', '2026-12-05T00:00:00Z', 'clerk', '5', '0', '10', 'v2.csv', '2'],
  ],
}

const statistics = {
  columns: ['level', 'code', 'name', 'reg_total', 'reg_births', 'reg_deaths', 'police_population_persons', 'departments_births', 'departments_deaths', 'manual_total', 'manual_births', 'manual_deaths'],
  rows: [
    ['community', '350902001001', '霞桂社区', '495', '3', '4', '483', '5', '9', '495', '1', '4'],
    ['community', '350902101200', '头春村', '645', '4', '4', '639', '6', '7', '', '', ''],
    ['district', '350902', '蕉城区', '1140', '7', '8', '1122', '11', '16', '1140', '5', '8'],
  ],
}

describe('the campaign', () => {
  it('is in the phase of today\'s date, with the days to each deadline', () => {
    const v = campaignView(campaign, '2026-12-06')
    expect(v.phase).toBe('implementation')
    expect(v.deadlines.map((d) => [d.key, d.days])).toEqual([
      ['startup_end', -1],
      ['reporting_deadline', 46],
      ['entry_deadline', 76],
      ['end', 106],
    ])
    expect(campaignView(campaign, '2026-11-21').phase).toBe('before')
    expect(campaignView(campaign, '2026-11-22').phase).toBe('startup')
    expect(campaignView(campaign, '2026-12-05').phase).toBe('startup')
    expect(campaignView(campaign, '2027-02-20').phase).toBe('implementation')
    expect(campaignView(campaign, '2027-02-21').phase).toBe('acceptance')
    expect(campaignView(campaign, '2027-03-23').phase).toBe('ended')
  })
  it('the newest is the highest id', () => {
    expect(newestCampaign([campaign, { ...campaign, id: 3 }, { ...campaign, id: 2 }])?.id).toBe(3)
    expect(newestCampaign([])).toBeNull()
  })
})

describe('progress per community', () => {
  it('groups the milestones by community, keeps the server\'s counts and overdue flags', () => {
    const v = progressView(progress)
    expect(v.communities.map((c) => c.name)).toEqual(['霞桂社区', '头春村'])
    const x = v.communities[0]!
    expect(x.milestones.map((m) => m.phase)).toEqual(['startup', 'reporting', 'acceptance'])
    expect(x.all?.counts).toEqual({ open: 40, verified: 7, disputed: 0, approved: 3, rejected: 0, applied: 2, resolved: 0 })
    expect(x.all?.items).toBe(52)
    expect(x.overdue).toBe(false)
    const t = v.communities[1]!
    expect(t.overdue).toBe(true)
    expect(t.milestones[0]).toMatchObject({ phase: 'startup', donePct: 50, overdue: true })
    expect(v.district?.name).toBe('全区合计')
    expect(v.district?.all?.items).toBe(109)
  })
})

describe('the hand-over grid', () => {
  it('is department x month, each cell the worst state of its files', () => {
    const g = intakeGrid(intake)
    expect(g.departments.map((d) => d.kind)).toEqual(['police_population', 'police_births', 'vaccinations'])
    expect(g.months).toEqual(['2026-10', '2026-11'])
    expect(g.cells.get(intakeKey('police_population', '2026-10'))).toMatchObject({ state: 'received', files: 1 })
    expect(g.cells.get(intakeKey('police_population', '2026-11'))).toMatchObject({ state: 'late', files: 1, daysLate: 3 })
    expect(g.cells.get(intakeKey('police_births', '2026-11'))).toMatchObject({ state: 'missing', files: 0, daysLate: 3 })
    expect(g.cells.get(intakeKey('vaccinations', '2026-11'))).toMatchObject({ state: 'late', files: 2, daysLate: 2 })
    expect(g.cells.get(intakeKey('police_births', '2026-10'))).toBeUndefined()
  })
})

describe('the statistics comparison', () => {
  it('reads the register, police and manual figures; an unreported figure stays empty', () => {
    const rows = statisticsRows(statistics)
    expect(rows[0]).toMatchObject({ code: '350902001001', register: { total: 495, births: 3, deaths: 4 }, police: { total: 483, births: 5, deaths: 9 }, manual: { total: 495 } })
    expect(rows[1]!.manual).toEqual({ total: null, births: null, deaths: null })
    expect(totalRow(rows)?.register.total).toBe(1140)
  })
})
