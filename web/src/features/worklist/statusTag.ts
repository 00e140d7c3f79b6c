// The colour of an item's state tag: one of the theme's colours (named as Element Plus's tag types).
import type { ItemStatus } from '@/api/types'

export function statusTagType(status: ItemStatus): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (status) {
    case 'open':
      return 'warning'
    case 'verified':
      return 'primary'
    case 'approved':
    case 'applied':
      return 'success'
    case 'disputed':
    case 'rejected':
      return 'danger'
    default:
      return 'info'
  }
}
