// Which actions an item's page offers: those the user's role may do (app/policy.ts) on an
// item in this state (docs/review.md's workflow). Both are copies for showing buttons only;
// the server decides every request again and its refusal is shown in its words.
import type { ItemStatus, User } from '@/api/types'
import { userMay } from '@/app/policy'

export type ItemAction = 'verify' | 'dispute' | 'approve' | 'reject' | 'reopen' | 'apply' | 'undo'

const from: Readonly<Record<ItemAction, readonly ItemStatus[]>> = {
  verify: ['open'],
  dispute: ['open'],
  approve: ['verified'],
  reject: ['open', 'verified', 'disputed'],
  reopen: ['verified', 'disputed', 'approved', 'rejected'],
  apply: ['approved'],
  undo: ['applied'],
}

export const itemActions: readonly ItemAction[] = ['verify', 'dispute', 'approve', 'reject', 'reopen', 'apply', 'undo']

/** The actions `user` is offered on an item in `status`. Community staff reopen only what is
 * not yet decided (a decision is the reviewer's to take back). */
export function actionsFor(user: User | null, status: ItemStatus): ItemAction[] {
  return itemActions.filter((a) => {
    if (!userMay(user, a) || !from[a].includes(status)) return false
    if (a === 'reopen' && user?.role === 'community') return status === 'verified' || status === 'disputed'
    return true
  })
}

/** Whether the user's role may do `action` to some item (the worklist's keys and buttons). */
export function mayEver(user: User | null, action: ItemAction): boolean {
  return userMay(user, action)
}
