// A number of seconds in words for a person ("about 2 minutes left"): rounded up to whole
// seconds, minutes or hours, never "0 seconds" while something is still running.
export interface DurationParts {
  unit: 'seconds' | 'minutes' | 'hours'
  n: number
}

export function durationParts(seconds: number): DurationParts {
  const s = Math.max(1, Math.ceil(seconds))
  if (s < 60) return { unit: 'seconds', n: s }
  if (s < 3600) return { unit: 'minutes', n: Math.ceil(s / 60) }
  return { unit: 'hours', n: Math.round((s / 3600) * 10) / 10 }
}
