// Menu badges (待办数, 未读回执, 待确认流转): one small request for the
// current user, refreshed every 30 s and after every successful write, so a
// decision taken on any page shows in the menu at once.
import { reactive } from 'vue'
import { getBadges } from './api/endpoints.js'
import { setAfterWriteHandler } from './api/client.js'

export const badges = reactive({ workQueue: null, unreadReceipts: 0, incomingTransfers: 0 })

const INTERVAL_MS = 30_000
let timer = null

/** refreshBadges reloads the counts; a failure keeps the last ones (they are a hint). */
export async function refreshBadges() {
  try {
    const b = await getBadges()
    Object.assign(badges, { workQueue: null, unreadReceipts: 0, incomingTransfers: 0 }, b)
  } catch {
    // Shown again on the next round.
  }
}

/** startBadges refreshes now, periodically and after writes, until stopBadges. */
export function startBadges() {
  stopBadges()
  refreshBadges()
  timer = setInterval(refreshBadges, INTERVAL_MS)
  setAfterWriteHandler(refreshBadges)
}

export function stopBadges() {
  if (timer) clearInterval(timer)
  timer = null
  setAfterWriteHandler(() => {})
}

/** queueCount sums the customs queue counts of the given kinds (all when none). */
export function queueCount(...kinds) {
  const k = badges.workQueue?.kinds || {}
  return (kinds.length ? kinds : Object.keys(k)).reduce((s, x) => s + (k[x] || 0), 0)
}
