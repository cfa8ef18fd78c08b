// The login session lives in sessionStorage: it ends with the browser tab,
// which is what a shared customs workstation wants.
import { reactive } from 'vue'

const KEY = 'zonetrace.session'

function load() {
  try {
    const raw = sessionStorage.getItem(KEY)
    return raw ? JSON.parse(raw) : null
  } catch {
    return null
  }
}

const saved = load()

/** session is the reactive current login: token, expiresAt and user. */
export const session = reactive({
  token: saved?.token || '',
  expiresAt: saved?.expiresAt || '',
  user: saved?.user || null,
})

/** setSession stores a successful login. */
export function setSession({ token, expiresAt, user, mustChangePassword }) {
  user = { ...user, mustChangePassword: Boolean(mustChangePassword || user?.mustChangePassword) }
  session.token = token
  session.expiresAt = expiresAt
  session.user = user
  sessionStorage.setItem(KEY, JSON.stringify({ token, expiresAt, user }))
}

/** passwordChanged records that the forced password change is done. */
export function passwordChanged() {
  if (!session.user) return
  session.user = { ...session.user, mustChangePassword: false }
  sessionStorage.setItem(KEY, JSON.stringify({ token: session.token, expiresAt: session.expiresAt, user: session.user }))
}

/** passwordChangeRequired marks the session as needing a password change. */
export function passwordChangeRequired() {
  if (!session.user || session.user.mustChangePassword) return
  session.user = { ...session.user, mustChangePassword: true }
  sessionStorage.setItem(KEY, JSON.stringify({ token: session.token, expiresAt: session.expiresAt, user: session.user }))
}

/** clearSession forgets the login (logout, expiry, 401). */
export function clearSession() {
  session.token = ''
  session.expiresAt = ''
  session.user = null
  sessionStorage.removeItem(KEY)
}

/** isLoggedIn reports whether a token is held and not known to be expired. */
export function isLoggedIn() {
  if (!session.token) return false
  if (session.expiresAt && Date.parse(session.expiresAt) <= Date.now()) {
    clearSession()
    return false
  }
  return true
}
