// End-to-end test of 境外出口商备案 (the foreign exporter registry) and
// 出口商备案核对 (exporter claims): customs add two registrations by hand on
// the registry page (numbers unique to the run) and see one's history; an
// import with bad rows is refused whole, each row named in Chinese; the
// enterprise declares two prefilings through the API — one naming a
// registered exporter exactly (confirmed automatically), one naming it
// loosely without its number (declared all the same, pending) — and sees
// both on its claims page; customs open the pending claim, the closest
// registration is offered first among the suspected matches, and confirm
// it; the enterprise sees it confirmed.
//
// Needs the demo seed (ent-a is an importer with its identity).
// Run: ZT_URL=https://localhost:8080 npm run test:e2e (in web/)
// Env: ZT_URL (required), ZT_ENTERPRISE_USER/PASS, ZT_CUSTOMS_USER/PASS, ZT_CHROMIUM.
// Screenshots: test-artifacts/screenshots/exporters-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { apiClient, credentials, launch, login, screenshots } from './session.mjs'

const ENTERPRISE = credentials('ENTERPRISE', 'ent-a')
const CUSTOMS = credentials('CUSTOMS', 'customs')
const screenshot = screenshots('exporters-')

// Registration numbers and names unique to this run, so reruns start afresh.
const RUN = Date.now().toString(36).toUpperCase()
const EXACT = { regNo: `CBRA0200${RUN}`, name: `Fazenda ${RUN} Exportadora Ltda`, country: 'BR' }
const LOOSE = { regNo: `CETH0200${RUN}`, name: `Harrar ${RUN} Coffee Farmers Cooperative Union`, country: 'ET' }

let browser
let officer
let clerk
let ok

before(async () => {
  browser = await launch()
  ok = (await apiClient(browser)).ok
  officer = await login(browser, CUSTOMS)
  clerk = await login(browser, ENTERPRISE)
})

after(async () => {
  await browser?.close()
})

async function token({ user, pass }) {
  return (await ok(null, 'POST', '/auth/login', { username: user, password: pass })).token
}

/** declare declares a coffee prefiling naming the exporter, as ent-a. */
async function declare(exporterName, exporterRegNo) {
  const t = await token(ENTERPRISE)
  const data = {
    commodity: 'coffee', productName: `出口商核对 ${RUN}`, hsCode: '0901110000', origin: 'ET', exporterName, exporterRegNo,
    quarantineBatchNo: '320400126000812', quarantineResult: 'qualified', avgPriceFen: 7200, currency: 'CNY',
    weightGrams: 1_000_000, attachments: [],
  }
  const draft = await ok(t, 'POST', '/prefiling-drafts', { data })
  return (await ok(t, 'POST', `/prefiling-drafts/${draft.id}/declare`)).id
}

test('customs add registrations by hand and see their history', async () => {
  await officer.locator('[data-test=nav-exporter-registry]').click()
  await officer.locator('[data-test=nav-exporters]').click()
  await officer.waitForURL(/\/exporters/)
  for (const e of [EXACT, LOOSE]) {
    await officer.locator('[data-test=exp-create]').click()
    await officer.locator('[data-test=exp-regno]').fill(e.regNo)
    await officer.locator('[data-test=exp-name]').fill(e.name)
    await officer.locator('[data-test=exp-country]').click()
    await officer.locator('.el-select-dropdown__item:visible', { hasText: `（${e.country}）` }).first().click()
    await officer.locator('[data-test=exp-save]').click()
    await officer.locator('.el-message--success').first().waitFor()
  }
  await officer.locator('[data-test=exp-q]').fill(RUN)
  await officer.locator('[data-test=exp-search]').click()
  const rows = officer.locator('[data-test=exp-table] .el-table__body tr')
  await rows.nth(1).waitFor()
  assert.equal(await rows.count(), 2)
  assert.match(await rows.first().textContent(), /人工维护/)
  await rows.first().locator('[data-test=exp-history]').click()
  const history = officer.locator('[data-test=exp-history-list]')
  await history.waitFor()
  assert.match(await history.textContent(), /人工维护/)
  await screenshot(officer, 'registry')
  await officer.keyboard.press('Escape')
})

test('an import with bad rows is refused whole, each row named', async () => {
  await officer.locator('.el-tabs__item', { hasText: '批量导入' }).click()
  // A workbook the page cannot read is refused with the file named.
  await officer.locator('[data-test=exp-file]').setInputFiles({ name: 'bad.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a workbook') })
  await officer.locator('[data-test=exp-import]').click()
  const report = officer.locator('[data-test=exp-import-report]')
  await report.waitFor()
  assert.match(await report.textContent(), /Excel/)
  await screenshot(officer, 'import-refused')
})

test('an exact exporter is confirmed automatically; a loose one waits and does not block', async () => {
  const exactId = await declare(EXACT.name.toUpperCase() + '.', EXACT.regNo.toLowerCase())
  const looseId = await declare(`Harar ${RUN} Cofee Farmers Union`, '')
  assert.match(looseId, /^PF/, 'the prefiling is declared with its claim pending')
  await clerk.locator('[data-test=nav-exporter-claims]').click()
  await clerk.waitForURL(/\/exporter-claims/)
  await clerk.locator('[data-test=claim-q]').fill(exactId)
  await clerk.locator('[data-test=claim-search]').click()
  const row = clerk.locator('[data-test=claim-table] .el-table__body tr', { hasText: exactId })
  await row.waitFor()
  assert.match(await row.textContent(), /已确认/)
  assert.match(await row.textContent(), /自动确认/)
  await clerk.locator('[data-test=claim-q]').fill(looseId)
  await clerk.locator('[data-test=claim-search]').click()
  const pending = clerk.locator('[data-test=claim-table] .el-table__body tr', { hasText: looseId })
  await pending.waitFor()
  assert.match(await pending.textContent(), /待确认/)
  await screenshot(clerk, 'claims-enterprise')

  // Customs: the closest registration is the first suspected match.
  await officer.locator('[data-test=nav-exporter-claims]').click()
  await officer.waitForURL(/\/exporter-claims/)
  await officer.locator('[data-test=claim-q]').fill(looseId)
  await officer.locator('[data-test=claim-search]').click()
  const queued = officer.locator('[data-test=claim-table] .el-table__body tr', { hasText: looseId })
  await queued.waitFor()
  await queued.locator('[data-test=claim-open]').click()
  const suspects = officer.locator('[data-test=claim-suspects] .el-table__body tr')
  await suspects.first().waitFor()
  assert.match(await suspects.first().textContent(), new RegExp(LOOSE.regNo))
  await screenshot(officer, 'claim-suspects')
  await officer.locator('[data-test=claim-confirm]').click()
  await officer.locator('.el-message--success').first().waitFor()

  await clerk.locator('[data-test=claim-search]').click()
  await clerk.locator('[data-test=claim-table] .el-table__body tr', { hasText: '海关确认' }).waitFor()
  assert.match(await clerk.locator('[data-test=claim-table] .el-table__body tr', { hasText: looseId }).textContent(), new RegExp(LOOSE.regNo))
})
