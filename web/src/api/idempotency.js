// One Idempotency-Key per user action: the key is remembered for an action
// (method, path and body) until the gateway gives a definitive answer, so a
// retry after a network error or a 5xx reuses it and the gateway replays the
// first result instead of declaring twice.

const pending = new Map()

function randomUUID() {
  // crypto.randomUUID exists only in secure contexts (https or localhost); a
  // gateway reached over plain http by IP still gets a v4 UUID.
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** keyFor returns the key of the action, creating it on first use. */
export function keyFor(action) {
  let key = pending.get(action)
  if (!key) {
    key = randomUUID()
    pending.set(action, key)
  }
  return key
}

/** settle forgets the action's key once the answer is final (2xx or 4xx). */
export function settle(action) {
  pending.delete(action)
}
