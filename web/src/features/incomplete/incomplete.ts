// The incomplete persons grouped for the page: how many lack each value (the server's field
// names, comma-separated when several are missing), in the order of the most first.

export function missingFields(missing: string): string[] {
  return missing
    .split(/[,;，、\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)
}

export function countByField(persons: readonly { missing: string }[]): { field: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const p of persons) for (const f of missingFields(p.missing)) counts.set(f, (counts.get(f) ?? 0) + 1)
  return [...counts.entries()].map(([field, count]) => ({ field, count })).sort((a, b) => b.count - a.count || a.field.localeCompare(b.field))
}
