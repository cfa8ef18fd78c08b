// The public trace page a batch's QR opens, as an anonymous visitor on a
// phone (390 × 844): no login, product, origin, quarantine and the journey
// shown, and the whole page small. It is rendered by the gateway at the GS1
// Digital Link URI the trace QR encodes, so it loads neither the app's
// bundle nor Element Plus.
//
// Run: ZT_URL=https://localhost:8080 npm run test:e2e   (in web/)
// Env: ZT_URL (required), ZT_CUSTOMS_USER/PASS, ZT_CHROMIUM. Screenshots go
// to test-artifacts/screenshots/ at the repository root.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'playwright-core'
import { BASE, credentials, launch, screenshots } from './session.mjs'

const CUSTOMS = credentials('CUSTOMS', 'customs')
// The page's budget on a slow mobile network, compressed or not.
const MAX_BYTES = 50 * 1024

let browser
const screenshot = screenshots('public-')

before(async () => {
  browser = await launch()
})

after(async () => {
  await browser?.close()
})

/** tracedBatch finds, as customs, a trace code that has moved, and its QR's URI. */
async function tracedBatch() {
  const api = await request.newContext({ baseURL: BASE, ignoreHTTPSErrors: true })
  try {
    const login = await api.post('/api/v1/auth/login', { data: { username: CUSTOMS.user, password: CUSTOMS.pass } })
    assert.equal(login.status(), 200, await login.text())
    const headers = { Authorization: `Bearer ${(await login.json()).token}` }
    const balances = await api.get('/api/v1/balances', { headers })
    assert.equal(balances.status(), 200, await balances.text())
    const held = (await balances.json()).items || []
    assert.ok(held.length > 0, 'the demo data holds goods in the zone')
    const code = held[0].traceCode
    const tc = await api.get(`/api/v1/trace-codes/${encodeURIComponent(code)}`, { headers })
    assert.equal(tc.status(), 200)
    const { uri, prefiling } = await tc.json()
    return { code, uri, prefiling }
  } finally {
    await api.dispose()
  }
}

test('an anonymous phone opens the public trace page from the QR URI', async () => {
  const { code, uri, prefiling } = await tracedBatch()
  const path = new URL(uri).pathname
  assert.match(path, /^\/01\/\d{14}\/10\/[0-9A-Z]{16}$/, `the QR encodes a GS1 Digital Link URI: ${uri}`)

  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'zh-CN', ignoreHTTPSErrors: true,
  })
  const page = await context.newPage()
  const loaded = []
  page.on('requestfinished', async (req) => {
    const sizes = await req.sizes()
    loaded.push({ url: req.url(), bytes: sizes.responseBodySize + sizes.responseHeadersSize })
  })
  const response = await page.goto(`${BASE}${path}`, { waitUntil: 'load' })
  assert.equal(response.status(), 200)
  await page.waitForLoadState('networkidle')

  await page.locator('[data-test=public-trace]').waitFor()
  assert.equal(await page.locator('[data-test=code]').textContent(), code)
  assert.equal(await page.locator('[data-test=product]').textContent(), prefiling.data.productName)
  assert.ok((await page.locator('[data-test=origin]').textContent()).length > 0)
  assert.ok((await page.locator('[data-test=quarantine]').textContent()).length > 0)
  const stages = await page.locator('[data-test=stage]').allTextContents()
  assert.ok(stages.some((s) => s.includes('进入综保区')), `the journey shows the zone entry: ${stages}`)
  assert.match(await page.locator('[data-test=block]').textContent(), /^\d+$/)
  assert.equal(await page.locator('[data-test=current-user]').count(), 0, 'no app shell, no login')
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 390, `nothing wider than the phone (${width}px)`)
  await screenshot(page, 'trace-390x844')

  const total = loaded.reduce((s, r) => s + r.bytes, 0)
  console.log(`public trace page: ${loaded.length} request(s), ${total} bytes transferred`)
  for (const r of loaded) console.log(`  ${r.bytes}\t${r.url}`)
  assert.ok(!loaded.some((r) => /\/assets\//.test(r.url)), 'the app bundle is not loaded')
  assert.ok(total < MAX_BYTES, `${total} bytes is within ${MAX_BYTES}`)

  const again = await page.request.get(`${BASE}/api/v1/public/trace/${code}`)
  assert.equal(again.status(), 200)
  assert.match(again.headers()['cache-control'], /max-age=300/)
  await context.close()
})

test('an unknown code shows a short not-found page', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, ignoreHTTPSErrors: true })
  const page = await context.newPage()
  const response = await page.goto(`${BASE}/01/02000000004471/10/KSCF000000000000`)
  assert.equal(response.status(), 404)
  await page.locator('[data-test=public-message]').waitFor()
  await screenshot(page, 'not-found-390x844')
  await context.close()
})
