// Shared plumbing of the browser tests: one headless Debian Chromium per test
// file, a logged-in browser context per user, numbered screenshots.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const BASE = (process.env.ZT_URL || '').replace(/\/$/, '')
export const DEMO_PASSWORD = 'demo-pass-123'
const SHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url))
const TIMEOUT = 20_000

/** credentials reads a user's login from ZT_<NAME>_USER/PASS with demo defaults. */
export function credentials(name, defaultUser) {
  return {
    user: process.env[`ZT_${name}_USER`] || defaultUser,
    pass: process.env[`ZT_${name}_PASS`] || DEMO_PASSWORD,
  }
}

/**
 * launch starts Chromium with the flags this closed network needs; the
 * browser gets a fresh temporary profile that Playwright removes on close.
 */
export async function launch() {
  assert.ok(BASE, 'set ZT_URL to the base URL of a running gateway, e.g. https://localhost:8080')
  mkdirSync(SHOTS, { recursive: true })
  return chromium.launch({
    executablePath: process.env.ZT_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  })
}

/** login opens a separate browser context (own sessionStorage) and logs in. */
export async function login(browser, { user, pass }) {
  // The node's certificate comes from its own dev TLS CA, which this fresh
  // browser profile does not know.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', ignoreHTTPSErrors: true })
  const page = await context.newPage()
  page.setDefaultTimeout(TIMEOUT)
  await page.goto(`${BASE}/login`)
  await page.locator('[data-test=login-username]').fill(user)
  await page.locator('[data-test=login-password]').fill(pass)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  await page.locator('[data-test=current-user]').waitFor()
  return page
}

/** screenshots returns a function saving numbered full-page shots under prefix. */
export function screenshots(prefix) {
  let shot = 0
  return async (page, name) => {
    shot += 1
    await page.screenshot({ path: join(SHOTS, `${prefix}${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true })
  }
}

/** confirmBox accepts an Element Plus confirmation box. */
export async function confirmBox(page) {
  await page.locator('.el-message-box__btns .el-button--primary').click()
}

/**
 * apiClient calls the gateway outside the page through a Playwright request
 * context (the node's dev TLS CA is unknown here). call answers
 * {status, json}; ok asserts a 2xx and answers the JSON. Writes carry an
 * Idempotency-Key and wait for the indexer.
 */
export async function apiClient(browser) {
  const api = (await browser.newContext({ ignoreHTTPSErrors: true })).request
  async function call(token, method, path, body) {
    const write = method !== 'GET'
    const res = await api.fetch(`${BASE}/api/v1${path}${write ? (path.includes('?') ? '&' : '?') + 'wait=indexed' : ''}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(write ? { 'Idempotency-Key': randomUUID(), 'Content-Type': 'application/json' } : {}),
      },
      data: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status(), json: text ? JSON.parse(text) : null }
  }
  async function ok(token, method, path, body) {
    const r = await call(token, method, path, body)
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.json)}`)
    return r.json
  }
  return { call, ok }
}
