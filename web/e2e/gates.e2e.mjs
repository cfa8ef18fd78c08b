// End-to-end test of 卡口车辆 in a real Chromium against a running gateway
// with the demo data: the zone admin registers a gate with an Ed25519 key
// made here; the test plays the gate, signing vehicle events as
// `zonetrace gate-sim` does; an exit no document explains waits in 待处理过车
// with its reason and is ignored with a reason; a vehicle that came in is
// listed in 区内车辆 and its route drawn on the zone schematic; customs
// sees the same page without the admin's actions; an unsigned event is
// refused with a Chinese message.
//
// Run: ZT_URL=https://localhost:8080 node --test e2e/gates.e2e.mjs   (in web/)
// Env: ZT_URL (required), ZT_ADMIN_USER/PASS, ZT_CUSTOMS_USER/PASS,
// ZT_CHROMIUM. Screenshots: test-artifacts/screenshots/gates-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { credentials, launch, login, screenshots } from './session.mjs'

const ADMIN = credentials('ADMIN', 'admin')
const OFFICER = credentials('CUSTOMS', 'customs')
const RUN = new Date().toISOString().replace(/\D/g, '').slice(4, 14)
const GATE = `E2E${RUN}`.slice(0, 32)
const PLATE_OUT = `沪X${RUN.slice(-5)}`
const PLATE_IN = `苏Y${RUN.slice(-5)}`

let browser
let admin
const screenshot = screenshots('gates-')
const { publicKey, privateKey } = generateKeyPairSync('ed25519')
// The raw 32 bytes are the tail of the SPKI encoding.
const PUBLIC_B64 = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64')

before(async () => {
  browser = await launch()
  admin = await login(browser, ADMIN)
})

after(async () => {
  await browser?.close()
})

/** gateHeaders signs body as the gate (gateway/gates/signature.go). */
function gateHeaders(body) {
  const ts = String(Math.floor(Date.now() / 1000))
  const nonce = randomBytes(16).toString('hex')
  const digest = createHash('sha256').update(body).digest('hex')
  const msg = Buffer.from(`ZT-GATE-1\n${GATE}\n${ts}\n${nonce}\n${digest}`)
  return {
    'Content-Type': 'application/json', 'X-Gate-Id': GATE, 'X-Gate-Timestamp': ts, 'X-Gate-Nonce': nonce,
    'X-Gate-Signature': sign(null, msg, privateKey).toString('base64'),
  }
}

/** sendEvent posts a vehicle event from the page's origin (its TLS is the node's). */
function sendEvent(page, event, signed = true) {
  const body = JSON.stringify({ at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), imageRef: 'e2e://' + RUN, ...event })
  const headers = signed ? gateHeaders(body) : { 'Content-Type': 'application/json' }
  return page.evaluate(async ({ body, headers }) => {
    const res = await fetch('/api/v1/gate-events', { method: 'POST', headers, body })
    return { status: res.status, body: await res.json() }
  }, { body, headers })
}

test('the zone admin registers a gate', async () => {
  await admin.goto(new URL('/gates', admin.url()).href)
  await admin.locator('.el-tabs__item', { hasText: '卡口管理' }).click()
  await admin.locator('[data-test=register-gate]').click()
  const dialog = admin.locator('.el-dialog', { hasText: '登记卡口' })
  const inputs = dialog.locator('.el-form-item')
  await inputs.nth(0).locator('input').fill(GATE)
  await inputs.nth(1).locator('input').fill('E2E 卡口')
  await inputs.nth(4).locator('textarea').fill(PUBLIC_B64)
  await dialog.locator('.el-button--primary', { hasText: '登记' }).click()
  await admin.locator('[data-test=gates]').getByText(GATE, { exact: true }).waitFor()
  await screenshot(admin, 'registry')
})

test('an unsigned event is refused in Chinese and stored nowhere', async () => {
  const r = await sendEvent(admin, { plate: PLATE_OUT, direction: 'out' }, false)
  assert.equal(r.status, 401)
  assert.equal(r.body.error.reason, 'GATE_SIGNATURE_MISSING')
  assert.match(r.body.error.messageZh, /卡口签名/)
})

test('an unexplained exit waits for the zone admin, who ignores it with a reason', async () => {
  const r = await sendEvent(admin, { plate: PLATE_OUT, direction: 'out' })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  assert.equal(r.body.state, 'unmatched')
  await admin.locator('.el-tabs__item', { hasText: '待处理过车' }).click()
  await admin.locator('[data-test=plate-filter]').fill(PLATE_OUT)
  await admin.getByRole('button', { name: '查询' }).click()
  const row = admin.locator('[data-test=gate-events] .el-table__row', { hasText: PLATE_OUT })
  await row.getByText('无该车辆已审批未过卡的单证').waitFor()
  await screenshot(admin, 'unmatched')
  await row.locator('[data-test=ignore]').click()
  await admin.locator('[data-test=ignore-reason]').fill('E2E 场内作业车辆')
  await admin.locator('[data-test=ignore-submit]').click()
  await admin.locator('[data-test=gate-events] .el-table__row', { hasText: PLATE_OUT }).waitFor({ state: 'detached' })
})

test('a vehicle that came in is inside, with its route on the schematic', async () => {
  const r = await sendEvent(admin, { plate: PLATE_IN, direction: 'in' })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  const officer = await login(browser, OFFICER)
  await officer.goto(new URL('/gates', officer.url()).href)
  await officer.locator('.el-tabs__item', { hasText: '区内车辆' }).click()
  const row = officer.locator('[data-test=vehicles-inside] .el-table__row', { hasText: PLATE_IN })
  await row.waitFor()
  await row.getByText(PLATE_IN).click()
  await officer.locator(`[data-test=gate-${GATE}]`).waitFor()
  await officer.getByText('在区内，共 1 次过卡').waitFor()
  await screenshot(officer, 'route')
  // Customs reads; matching and ignoring are the zone admin's.
  await officer.locator('.el-tabs__item', { hasText: '待处理过车' }).click()
  assert.equal(await officer.locator('[data-test=match]').count(), 0)
})
