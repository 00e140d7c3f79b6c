// A colour per item status for bars (each with 3:1 or more against white, WCAG 1.4.11); the
// counts are always written next to them in words.
import type { ItemStatus } from '@/api/types'

export const statusColors: Readonly<Record<ItemStatus, string>> = {
  open: '#5b6169',
  verified: '#1a5fb4',
  disputed: '#9a5b00',
  approved: '#7b3fa0',
  rejected: '#8a4b38',
  applied: '#2b7a2e',
  resolved: '#00727a',
}
