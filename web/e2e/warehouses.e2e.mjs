// End-to-end test of 仓储对账 (warehouse operators' WMS/ERP feeds, storage
// locations and the reconciliation with the ledger): the warehouse operator
// ent-b builds a location tree (through the API, with codes unique to the
// run), uploads a CSV with a bad row (refused whole, the row named in
// Chinese) and then a good one, sees a bin's history, starts a
// reconciliation from the page — the fed batch, unknown to the ledger, is
// flagged 账本无库存 — and exports it; customs pick the operator and see its
// runs.
//
// Needs the demo seed (ent-b is 综保仓储物流有限公司, a warehouse operator).
// Run: ZT_URL=https://localhost:8080 npm run test:e2e (in web/)
// Env: ZT_URL (required), ZT_WAREHOUSE_USER/PASS, ZT_CUSTOMS_USER/PASS, ZT_CHROMIUM.
// Screenshots: test-artifacts/screenshots/warehouses-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { credentials, launch, login, screenshots } from './session.mjs'

const OPERATOR = credentials('WAREHOUSE', 'ent-b')
const CUSTOMS = credentials('CUSTOMS', 'customs')
const DOWNLOADS = fileURLToPath(new URL('../../test-artifacts/downloads/', import.meta.url))
const screenshot = screenshots('warehouses-')

// Codes unique to this run, so reruns on the same data start afresh.
const RUN = 'E2E' + Date.now().toString(36).toUpperCase()
const BIN = `${RUN}-B1`

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
/** traceCode composes a valid trace code (ISO/IEC 7064 MOD 37,36 check character) the ledger has never issued. */
function traceCode() {
  const day = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(2, 10).replaceAll('-', '')
  const body = `KSZZ${day}${String(90000 + Math.floor(Math.random() * 9999)).padStart(5, '0')}`
  let p = 36
  for (const c of body) {
    let sum = (p + ALPHABET.indexOf(c)) % 36
    if (sum === 0) sum = 36
    p = (2 * sum) % 37
  }
  return body + ALPHABET[(37 - p) % 36]
}
const CODE = traceCode()

let browser
let page

before(async () => {
  browser = await launch()
  page = await login(browser, OPERATOR)
  mkdirSync(DOWNLOADS, { recursive: true })
})

after(async () => {
  await browser?.close()
})

/** post writes through the API with the page's session, as the app does. */
function post(path, body) {
  return page.evaluate(async ([p, b]) => {
    const { token } = JSON.parse(sessionStorage.getItem('zonetrace.session'))
    const r = await fetch('/api/v1' + p, {
      method: 'POST', body: JSON.stringify(b),
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    })
    if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`)
    return r.json()
  }, [path, body])
}

async function upload(name, text) {
  await page.locator('[data-test=wh-file]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') })
  await page.locator('[data-test=wh-import]').click()
}

test('the operator opens 仓储对账 and its location tree', async () => {
  for (const l of [
    { code: `${RUN}-A`, name: '测试库区', level: 'area' },
    { code: `${RUN}-W`, name: '测试冷库', level: 'warehouse', parentCode: `${RUN}-A` },
    { code: `${RUN}-S`, name: '测试货架', level: 'shelf', parentCode: `${RUN}-W` },
    { code: BIN, name: '测试库位', level: 'bin', parentCode: `${RUN}-S`, attributes: { temperatureControlled: true, capacityGrams: 5000000 } },
  ]) await post('/warehouse/locations', l)
  await post(`/warehouse/locations/${BIN}/changes`, { action: 'rename', name: '测试冷藏库位' })
  await page.locator('[data-test=nav-warehouses]').click()
  await page.waitForURL(/\/warehouses/)
  await page.locator('.el-tabs__item', { hasText: '库位' }).click()
  await page.locator(`[data-test=wh-node-${BIN}]`).click()
  const history = page.locator('[data-test=wh-location-history] .el-table__body tr')
  await history.first().waitFor()
  assert.equal(await history.count(), 2, 'created, then renamed')
  assert.match(await history.first().textContent(), /重命名/)
  await screenshot(page, 'locations')
})

test('a file with a bad row is refused whole, the row named in Chinese', async () => {
  await page.locator('.el-tabs__item', { hasText: '数据导入' }).click()
  const header = '记录编号,类型,溯源码,库位,件数,重量（克）,时间\n'
  await upload('bad.csv', header + `${RUN}-1,入库,${CODE},${BIN},10,1500000,2026-11-02 09:00:00\n${RUN}-2,入库,${CODE},${RUN}-NOWHERE,1,1000,2026-11-02 09:00:00\n`)
  const report = page.locator('[data-test=wh-import-report]')
  await report.waitFor()
  assert.match(await report.textContent(), /第3行的库位编码的取值无效/)
  await screenshot(page, 'import-refused')
  await upload('good.csv', header + `${RUN}-1,入库,${CODE},${BIN},10,1500000,2026-11-02 09:00:00\n`)
  const result = page.locator('[data-test=wh-import-result]')
  await result.waitFor()
  assert.match(await result.textContent(), /新增 1 条/)
})

test('the bin shows what the records say it holds, and a batch is found by its code', async () => {
  await page.locator('.el-tabs__item', { hasText: '库位' }).click()
  await page.locator(`[data-test=wh-node-${BIN}]`).click()
  const row = page.locator('[data-test=wh-location-stock] .el-table__body tr', { hasText: CODE })
  await row.waitFor()
  assert.match(await row.textContent(), /1500/)
  await page.locator('[data-test=wh-locate-input]').fill(CODE)
  await page.locator('[data-test=wh-locate]').click()
  assert.match(await page.locator('[data-test=wh-locate-result]').textContent(), /测试冷藏库位 1500 千克/)
  await screenshot(page, 'location-stock')
})

test('a reconciliation flags the fed batch the ledger does not hold, and exports', async () => {
  await page.locator('.el-tabs__item', { hasText: '对账' }).first().click()
  await page.locator('[data-test=wh-reconcile]').click()
  const row = page.locator('[data-test=wh-diffs] .el-table__body tr', { hasText: CODE })
  await row.waitFor()
  assert.match(await row.textContent(), /账本无库存/)
  assert.match(await row.textContent(), /1500/)
  await screenshot(page, 'reconciliation')
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=wh-export]').click()])
  const path = join(DOWNLOADS, 'warehouses-recon.xlsx')
  await dl.saveAs(path)
  assert.match(dl.suggestedFilename(), /^仓储对账-\d+\.xlsx$/)
  assert.equal(readFileSync(path).subarray(0, 2).toString('latin1'), 'PK', 'an xlsx is a zip')
})

test('customs pick the operator and see its runs', async () => {
  const officer = await login(browser, CUSTOMS)
  await officer.goto(page.url().replace(/\/warehouses.*/, '/warehouses'))
  await officer.locator('[data-test=wh-enterprise]').click()
  // The demo operator by name: other browser tests register warehouses too.
  await officer.locator('.el-select-dropdown__item', { hasText: '综保仓储物流有限公司' }).first().click()
  const runs = officer.locator('[data-test=wh-runs] .el-table__body tr')
  await runs.first().waitFor()
  assert.ok(await runs.count() >= 1)
  await runs.first().click()
  await officer.locator('[data-test=wh-diffs]').waitFor()
  await screenshot(officer, 'customs-reconciliation')
})
