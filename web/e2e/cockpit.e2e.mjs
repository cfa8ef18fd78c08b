// End-to-end test of the supervision cockpit (监管驾驶舱): customs opens it
// from the menu, the figures show what GET /cockpit/overview answered (in 万元
// and 吨 from fen and grams; vehicle crossings and vehicles in the zone as
// counted), a figure opens the list behind it (年度进口额 → 核算明细 filtered
// to entries of the year; 区内车辆 → the 卡口车辆 page's vehicles inside), the
// wall screen fills 1920×1080 with no menu, and an enterprise is turned away. Screenshots of the console
// at 1440×900 and of the wall screen at 1920×1080.
//
// Needs the --demo seed (customs user "customs", enterprise "ent-a").
// Run: ZT_URL=https://localhost:8080 npm run test:e2e (in web/)
// Env: ZT_URL (required), ZT_CUSTOMS_USER/PASS, ZT_ENTERPRISE_USER/PASS, ZT_CHROMIUM.
// Screenshots: test-artifacts/screenshots/cockpit-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, credentials, launch, login, screenshots } from './session.mjs'
import { count, tonnes, wanYuan } from '../src/views/cockpit/figures.js'

const CUSTOMS = credentials('CUSTOMS', 'customs')
const ENT_A = credentials('ENTERPRISE', 'ent-a')

let browser
let page
const screenshot = screenshots('cockpit-')

before(async () => {
  browser = await launch()
  page = await login(browser, CUSTOMS)
})

after(async () => {
  await browser?.close()
})

/** openCockpit opens path and returns the overview the page loaded. */
async function openCockpit(path) {
  const answer = page.waitForResponse((r) => r.url().includes('/api/v1/cockpit/overview') && r.status() === 200)
  await page.goto(`${BASE}${path}`)
  const overview = await (await answer).json()
  await page.locator('[data-test=cockpit][data-loaded=true]').waitFor()
  return overview
}

test('the console shows the overview the API answered, and a figure opens its list', async () => {
  await page.locator('[data-test=nav-cockpit]').click()
  await page.waitForURL((url) => url.pathname === '/cockpit')
  const o = await openCockpit('/cockpit')
  const text = async (id) => (await page.locator(`[data-test=kpi-${id}] .value`).innerText()).replace(/\s+/g, '')
  assert.equal(await text('import'), `${wanYuan(o.trade.import.valueFen)}万元`)
  assert.equal(await text('export'), `${wanYuan(o.trade.export.valueFen)}万元`)
  assert.equal(await text('stock-value'), `${wanYuan(o.stock.total.valueFen)}万元`)
  assert.equal(await text('stock-weight'), `${tonnes(o.stock.total.grams)}吨`)
  assert.equal(await text('inbound'), `${o.tickets.inbound}票`)
  assert.equal(await text('outbound'), `${o.tickets.outbound}票`)
  await page.locator('[data-test=chart-months] canvas').first().waitFor()
  assert.equal(await page.locator('[data-test=stock-hs-codes] tbody tr').count(), o.stock.hsCodes.length)
  const vehicle = async (id) => (await page.locator(`[data-test=vehicle-${id}] .value`).innerText()).replace(/\s+/g, '')
  assert.equal(o.vehicles.byMonth.length, 12)
  assert.equal(await vehicle('entries'), `${count(o.vehicles.entries)}辆次`)
  assert.equal(await vehicle('exits'), `${count(o.vehicles.exits)}辆次`)
  assert.equal(await vehicle('inside'), `${count(o.vehicles.inside)}辆`)
  await page.locator('[data-test=chart-vehicles] canvas').first().waitFor()
  await page.setViewportSize({ width: 1440, height: 900 })
  await screenshot(page, 'console-1440x900')

  await page.locator('[data-test=kpi-import]').click()
  await page.waitForURL((url) => url.pathname === '/accounts/movements')
  const q = new URL(page.url()).searchParams
  assert.equal(q.get('flow'), 'entry')
  assert.equal(q.get('from'), `${o.year}-01-01`)
  assert.equal(q.get('to'), `${o.year}-12-31`)
})

test('vehicles in the zone open the gate page on its vehicles inside', async () => {
  const o = await openCockpit('/cockpit')
  await page.locator('[data-test=vehicle-inside]').click()
  await page.waitForURL((url) => url.pathname === '/gates' && url.searchParams.get('tab') === 'inside')
  await page.locator('[data-test=vehicles-inside]').waitFor()
  if (o.vehicles.inside > 0) await page.locator('[data-test=vehicles-inside] .el-table__body tr.el-table__row').first().waitFor()
  assert.equal(await page.locator('[data-test=vehicles-inside] .el-table__body tr.el-table__row').count(), o.vehicles.inside)
})

test('the wall screen fills 1920×1080 without the menu', async () => {
  await page.setViewportSize({ width: 1920, height: 1080 })
  const o = await openCockpit('/cockpit/screen')
  assert.equal(await page.locator('[data-test=nav-cockpit]').count(), 0, 'no menu on the wall screen')
  const stage = await page.locator('[data-test=cockpit] .stage').boundingBox()
  assert.ok(Math.abs(stage.width - 1920) <= 1 && Math.abs(stage.height - 1080) <= 1, `stage ${stage.width}×${stage.height}`)
  const overflow = await page.evaluate(() => {
    const s = document.querySelector('[data-test=cockpit] .stage')
    return s.scrollHeight - s.clientHeight
  })
  assert.ok(overflow <= 0, `the figures fit the screen (${overflow}px over)`)
  assert.equal((await page.locator('[data-test=kpi-import] .value').innerText()).replace(/\s+/g, ''), `${wanYuan(o.trade.import.valueFen)}万元`)
  assert.equal((await page.locator('[data-test=vehicle-inside] .value').innerText()).replace(/\s+/g, ''), `${count(o.vehicles.inside)}辆`)
  await screenshot(page, 'screen-1920x1080')
  await page.locator('[data-test=cockpit-console]').click()
  await page.waitForURL((url) => url.pathname === '/cockpit')
})

test('an enterprise has no cockpit', async () => {
  const ent = await login(browser, ENT_A)
  assert.equal(await ent.locator('[data-test=nav-cockpit]').count(), 0)
  await ent.goto(`${BASE}/cockpit`)
  await ent.waitForURL((url) => url.pathname !== '/cockpit')
  await ent.context().close()
})
