// End-to-end test of 基础数据 (tender 38–52): the trade platform drops its
// files into the node's basic data folder; the zone administration presses
// 立即同步 and follows the sync in 同步记录 until it is done; the tariff is
// searched in 商品编码; an enterprise's prefiling draft with an HS code the
// tariff lacks is refused with the Chinese reason, naming the field.
//
// Needs a node started with --basic-data-dir (env ZT_BASIC_DATA_DIR) on
// this machine and the same folder in ZT_BASIC_DATA_DIR here: the test
// writes the platform's files into it. It drops HS codes, enterprises,
// suppliers and declaration forms — no account books, so the other
// browser tests' made-up account book numbers stay unchecked. Without the
// folder the test is skipped.
// Run: ZT_URL=https://localhost:8080 ZT_BASIC_DATA_DIR=/path npm run test:e2e (in web/)
// Env: ZT_URL (required), ZT_BASIC_DATA_DIR, ZT_ADMIN_USER/PASS, ZT_ENTERPRISE_USER/PASS, ZT_CHROMIUM.
// Screenshots: test-artifacts/screenshots/basicdata-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { apiClient, confirmBox, credentials, launch, login, screenshots } from './session.mjs'

const DROP = process.env.ZT_BASIC_DATA_DIR || ''
const skip = DROP ? false : 'set ZT_BASIC_DATA_DIR to the node\'s --basic-data-dir'
const ADMIN = credentials('ADMIN', 'admin')
const ENTERPRISE = credentials('ENTERPRISE', 'ent-a')
const screenshot = screenshots('basicdata-')
const RUN = 'E2E' + Date.now().toString(36).toUpperCase()
// A code of chapter 21 the dropped tariff does not hold.
const UNKNOWN_HS = '2101300000'

const HS_CODES = [
  { code: '0901110000', name: '未焙炒的咖啡，未浸除咖啡碱', unit: '千克', validFrom: '2017-01-01' },
  { code: '0901120000', name: '未焙炒的已浸除咖啡碱的咖啡', unit: '千克', validFrom: '2017-01-01' },
  { code: '0901210000', name: '已焙炒的咖啡，未浸除咖啡碱', unit: '千克', validFrom: '2017-01-01' },
  { code: '0901220000', name: '已焙炒的已浸除咖啡碱的咖啡', unit: '千克', validFrom: '2017-01-01' },
  { code: '2101110000', name: '咖啡浓缩精汁', unit: '千克', validFrom: '2017-01-01' },
  { code: '2101120000', name: '以咖啡浓缩精汁或咖啡为基本成分的制品', unit: '千克', validFrom: '2017-01-01' },
]

/** drop writes a delivery as the platform does: under a temporary name, then renamed. */
function drop(dataset, records) {
  const name = `${dataset}_${RUN}.json`
  const tmp = join(DROP, `.${name}.tmp`)
  writeFileSync(tmp, JSON.stringify({ dataset, full: true, records }))
  renameSync(tmp, join(DROP, name))
}

let browser
let admin

before(async () => {
  if (!DROP) return
  browser = await launch()
  admin = await login(browser, ADMIN)
})

after(async () => {
  await browser?.close()
})

test('the zone administration syncs now and follows the sync to its end', { skip }, async () => {
  drop('hs_codes', HS_CODES)
  drop('enterprises', [{ creditCode: '91320583MA1XXXXX1A', customsCode: '3223960001', name: '昆山综保区咖啡进口有限公司', type: '进出口企业', contact: '王芳' }])
  drop('suppliers', [{ enterpriseId: '91320583MA1XXXXX1A', supplierCode: `S-${RUN}`, supplierName: 'Yirgacheffe Coffee Farmers Cooperative Union', country: 'ET', status: 'active' }])
  drop('declarations', [{ number: `2233${Date.now()}`.slice(0, 18), enterpriseId: '91320583MA1XXXXX1A', direction: 'import', date: '2026-11-20',
    lines: [{ hsCode: '0901110000', name: '生咖啡豆', weightGrams: 19200000, valueFen: 86400000, currency: 'USD' }] }])

  await admin.locator('[data-test=nav-basic-data]').click()
  await admin.locator('[data-test=nav-basic-data-syncs]').click()
  await admin.waitForURL(/\/basic-data\/syncs/)
  await admin.locator('[data-test=bd-sync-now]').click()
  await admin.locator('.el-message--success', { hasText: '已提交同步' }).waitFor()
  // The list may show a scheduled sync (finished) before this one's row
  // arrives: follow the manual sync's own row.
  const manual = admin.locator('[data-test=bd-syncs] .el-table__body tr.el-table__row').filter({ hasText: '手动同步' }).first()
  await manual.locator('.el-tag', { hasText: '已完成' }).waitFor({ timeout: 60_000 })
  const text = await manual.textContent()
  assert.match(text, /商品编码：新增 \d+，变更 \d+，未变 \d+，删除 \d+/)
  await screenshot(admin, 'sync-log')
})

test('the tariff is searched in 商品编码', { skip }, async () => {
  await admin.locator('[data-test=nav-basic-data-hs-codes]').click()
  await admin.waitForURL(/\/basic-data\/hs-codes/)
  await admin.locator('[data-test=bd-q]').fill('精汁')
  await admin.locator('[data-test=bd-search]').click()
  const rows = admin.locator('[data-test=bd-table] .el-table__body tr.el-table__row')
  await rows.filter({ hasText: '2101110000' }).waitFor()
  assert.ok(await rows.filter({ hasText: '咖啡浓缩精汁' }).count() >= 1)
  await screenshot(admin, 'hs-codes')
})

test('a draft with an HS code the tariff lacks is refused, naming the field', { skip }, async () => {
  const api = await apiClient(browser)
  const { token } = await api.ok('', 'POST', '/auth/login', { username: ENTERPRISE.user, password: ENTERPRISE.pass })
  const productName = `速溶咖啡 ${RUN}`
  const data = {
    commodity: 'coffee', productName, hsCode: UNKNOWN_HS, origin: 'ET', exporterName: 'Addis Export',
    quarantineResult: 'pending', avgPriceFen: 4500, currency: 'USD', weightGrams: 19200000, attachments: [],
  }
  const draft = await api.ok(token, 'POST', '/prefiling-drafts', { data })
  const refused = await api.call(token, 'POST', `/prefiling-drafts/${draft.id}/declare`)
  assert.equal(refused.status, 422)
  const detail = refused.json.error.details.find((d) => d.field === 'data.hsCode')
  assert.equal(detail?.rule, 'HS_CODE_UNKNOWN')
  assert.match(detail.messageZh, new RegExp(`商品编码 ${UNKNOWN_HS} 不在海关商品编码表中`))

  const page = await login(browser, ENTERPRISE)
  await page.locator('[data-test=nav-drafts]').click()
  const row = page.locator('[data-test=draft-table] .el-table__row', { hasText: productName })
  await row.locator('[data-test=draft-declare]').click()
  await confirmBox(page)
  await page.getByText(`商品编码 ${UNKNOWN_HS} 不在海关商品编码表中`).first().waitFor()
  await screenshot(page, 'refused')
})
