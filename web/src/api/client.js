// Thin fetch wrapper for the gateway API (docs/api.md): bearer token, one
// Idempotency-Key per user action and ?wait=indexed on every write, and one
// error type carrying the gateway's error body.
import { session, clearSession } from './session.js'
import { keyFor, settle } from './idempotency.js'

export const API = '/api/v1'

/**
 * ApiError is a failed call: HTTP status plus the gateway's error object, and
 * the seconds of a Retry-After header (a locked login, an outage).
 */
export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    const e = body?.error || {}
    super(e.messageZh || e.message || `请求失败（HTTP ${status}）`)
    this.status = status
    this.code = e.code || (status === 0 ? 'NETWORK' : 'HTTP_' + status)
    this.reason = e.reason || ''
    this.params = e.params || {}
    this.details = Array.isArray(e.details) ? e.details : []
    const seconds = Number.parseInt(retryAfter, 10)
    this.retryAfterSeconds = Number.isFinite(seconds) && seconds > 0 ? seconds : 0
  }
}

let onPasswordChangeRequired = () => {}

/** setPasswordChangeRequiredHandler sets what happens on a 403 PASSWORD_CHANGE_REQUIRED. */
export function setPasswordChangeRequiredHandler(fn) {
  onPasswordChangeRequired = fn
}

let onUnauthenticated = () => {}

let afterWrite = () => {}

/** setAfterWriteHandler sets what runs after a successful write (menu badges refresh). */
export function setAfterWriteHandler(fn) {
  afterWrite = fn
}

/** setUnauthenticatedHandler sets what happens on a 401 (back to login). */
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn
}

function withQuery(path, query) {
  if (!query) return path
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v))
  }
  const s = qs.toString()
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path
}

function actionOf(method, path, body) {
  if (body instanceof FormData) {
    const f = body.get('file')
    return `${method} ${path} file:${f?.name}:${f?.size}:${f?.lastModified}`
  }
  return `${method} ${path} ${body === undefined ? '' : JSON.stringify(body)}`
}

/**
 * request calls the gateway. Writes get ?wait=indexed and an Idempotency-Key.
 * Returns the parsed JSON body, a Blob when opts.blob, or null for 204.
 */
export async function request(method, path, { query, body, blob } = {}) {
  const write = method !== 'GET'
  let url = API + withQuery(path, query)
  const headers = { Accept: blob ? 'image/png,*/*' : 'application/json' }
  if (session.token) headers.Authorization = `Bearer ${session.token}`
  let action
  if (write) {
    url = withQuery(url, { wait: 'indexed' })
    action = actionOf(method, path, body)
    headers['Idempotency-Key'] = keyFor(action)
  }
  let payload
  if (body instanceof FormData) payload = body
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }

  let res
  try {
    res = await fetch(url, { method, headers, body: payload })
  } catch {
    // Keep the key: the request may have reached the gateway.
    throw new ApiError(0, { error: { messageZh: '网络连接失败，请检查网络后重试' } })
  }
  if (write && res.status < 500) settle(action)

  if (res.ok) {
    if (write && path !== '/auth/logout') afterWrite()
    if (res.status === 204) return null
    if (blob) return res.blob()
    const text = await res.text()
    return text ? JSON.parse(text) : null
  }
  let errBody = null
  try {
    errBody = await res.json()
  } catch {
    // Not JSON (a proxy page): the status alone says enough.
  }
  const err = new ApiError(res.status, errBody, res.headers.get('Retry-After'))
  if (err.code === 'PASSWORD_CHANGE_REQUIRED') onPasswordChangeRequired()
  if (res.status === 401 && path !== '/auth/login') {
    clearSession()
    onUnauthenticated()
  }
  throw err
}

export const get = (path, query) => request('GET', path, { query })
export const post = (path, body, query) => request('POST', path, { body, query })
export const put = (path, body) => request('PUT', path, { body })
export const del = (path) => request('DELETE', path)
