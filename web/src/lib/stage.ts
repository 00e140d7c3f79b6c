// A job's stage in the user's words. The server names its stages in English, stable phrases
// built from the engine's steps: "reading the register and the departments' files",
// "importing FILE", "applying approved items", "printing households", and a linkage's
// "SOURCE -> TARGET[ (duplicates)][ (learnt)]: STEP" where STEP is "u from random pairs",
// "EM sessions", "blocking" or "scoring". Each is said here in the chosen language; a stage
// this does not know is shown as the server said it.
export type Translate = (key: string, named?: Record<string, unknown>) => string
export type Has = (key: string) => boolean

const fixed: Record<string, string> = {
  "reading the register and the departments' files": 'reading',
  'applying approved items': 'applying',
  'printing households': 'printing',
}
const steps: Record<string, string> = {
  'u from random pairs': 'uFromRandomPairs',
  'EM sessions': 'emSessions',
  blocking: 'blocking',
  scoring: 'scoring',
}
const linkage = /^([a-z_]+) -> ([a-z_]+)( \(duplicates\))?( \(learnt\))?: (.+)$/

export function stageText(stage: string, t: Translate, has: Has): string {
  const key = fixed[stage]
  if (key) return t(`stage.${key}`)
  const importing = /^importing (.+)$/.exec(stage)
  if (importing) return t('stage.importing', { file: importing[1] })
  const m = linkage.exec(stage)
  const step = m ? steps[m[5]!] : undefined
  if (!m || !step) return stage
  const kind = (k: string) => (has(`imports.kinds.${k}`) ? t(`imports.kinds.${k}`) : k)
  const what = m[3] ? t('stage.duplicates') : t('stage.linking', { source: kind(m[1]!), target: kind(m[2]!) })
  return t('stage.linkageStep', { what: m[4] ? t('stage.learnt', { what }) : what, step: t(`stage.${step}`) })
}
