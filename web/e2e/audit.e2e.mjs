// End-to-end test of the auditor's console in a real Chromium against a
// running gateway with demo data: the auditor runs the ledger audit and
// watches it pass, follows a transaction from a prefiling's timeline into
// the block explorer (organisation, individual, function, validation code,
// keys written), finds it again by trace code, opens its block, and
// downloads the evidence bundle of the trace code.
//
// Run: ZT_URL=http://localhost:8080 node --test e2e/audit.e2e.mjs   (in web/)
// Env: ZT_URL (required), ZT_AUDITOR_USER/PASS, ZT_CHROMIUM. Screenshots go to
// test-artifacts/screenshots/ at the repository root (prefix audit-).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { credentials, launch, login, screenshots } from './session.mjs'

const AUDITOR = credentials('AUDITOR', 'auditor')

let browser
const screenshot = screenshots('audit-')

before(async () => {
  browser = await launch()
})

after(async () => {
  await browser?.close()
})

/** navAudit opens a page of the 审计 menu, unfolding it when folded. */
async function navAudit(page, leaf) {
  const item = page.locator(`[data-test=nav-audit-${leaf}]`)
  if (!(await item.isVisible())) await page.locator('[data-test=nav-audit]').click()
  await item.click()
}

test('the auditor verifies the ledger, explores a transaction and downloads its evidence', async () => {
  const page = await login(browser, AUDITOR)
  page.setDefaultTimeout(60_000)

  // 校验: start, watch the progress, see it pass and enter the history.
  await navAudit(page, 'verify')
  await page.locator('[data-test=verify-start]').click()
  await page.locator('[data-test=verify-current][data-status=passed]').waitFor()
  const summary = await page.locator('[data-test=verify-summary]').innerText()
  assert.match(summary, /哈希链与签名均有效/)
  assert.equal(await page.locator('[data-test=verify-progress]').getAttribute('aria-valuenow'), '100')
  await page.locator('[data-test=verify-history] .el-table__row').first().waitFor()
  await screenshot(page, 'verify-passed')

  // An approved prefiling's timeline: its transaction links into the explorer.
  await page.locator('[data-test=nav-prefilings]').click()
  await page.locator('[data-test=q-status]').click()
  await page.getByRole('option', { name: '审核通过', exact: true }).click()
  const filtered = page.waitForResponse((r) => r.url().includes('/api/v1/prefilings?') && r.url().includes('status=approved'))
  await page.locator('[data-test=q-submit]').click()
  await filtered
  await page.locator('[data-test=prefiling-table] .el-table__row').first().click()
  await page.locator('[data-test=trace-code]').waitFor()
  const traceCode = (await page.locator('[data-test=trace-code]').innerText()).trim()
  const approveStep = page.locator('[data-test=timeline-step][data-action=approve]')
  const txId = (await approveStep.locator('[data-test=tx-link]').innerText()).trim()
  assert.match(txId, /^[0-9a-f]{64}$/)
  await screenshot(page, 'prefiling-timeline-links')
  await approveStep.locator('[data-test=tx-link]').click()

  // Transaction detail: who, what, the verdict and the keys written.
  await page.waitForURL((url) => url.pathname === `/audit/tx/${txId}`)
  await page.locator('[data-test=tx-detail]').waitFor()
  assert.equal((await page.locator('[data-test=tx-id]').innerText()).trim(), txId)
  assert.equal((await page.locator('[data-test=tx-function]').innerText()).trim(), 'ReviewPrefiling')
  assert.equal((await page.locator('[data-test=tx-validation]').innerText()).trim(), '有效（VALID）')
  assert.match(await page.locator('[data-test=tx-detail]').innerText(), /CustomsMSP/)
  assert.notEqual((await page.locator('[data-test=tx-individual]').innerText()).trim(), '—')
  assert.ok(await page.locator('[data-test=tx-writes] .el-table__row').count() > 0, 'keys written are listed')
  await page.locator('[data-test=tx-subject]', { hasText: traceCode }).waitFor()
  await screenshot(page, 'transaction-detail')

  // Its block, then a search by trace code that finds the transaction again.
  await page.locator('[data-test=tx-block]').click()
  await page.locator('[data-test=block-header]').waitFor()
  await page.locator('[data-test=tx-table] [data-test=tx-link]', { hasText: txId }).waitFor()
  await screenshot(page, 'block-detail')
  await navAudit(page, 'explorer')
  await page.locator('[data-test=block-list] .el-table__row').first().waitFor()
  await screenshot(page, 'block-list')
  await page.locator('[data-test=explorer-search]').fill(traceCode)
  await page.locator('[data-test=explorer-search-go]').click()
  await page.locator('[data-test=tx-table] [data-test=tx-link]', { hasText: txId }).waitFor()
  await screenshot(page, 'search-by-trace-code')

  // 证据包: the downloaded file is the trace code's evidence bundle.
  await navAudit(page, 'bundle')
  await page.locator('[data-test=bundle-code]').fill(traceCode)
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-test=bundle-download]').click(),
  ])
  assert.equal(download.suggestedFilename(), `evidence-${traceCode}.json`)
  const bundle = JSON.parse(await readFile(await download.path(), 'utf8'))
  assert.equal(bundle.format, 'zonetrace-evidence/1')
  assert.equal(bundle.traceCode, traceCode)
  assert.ok(bundle.transactions.some((t) => t.txId === txId), 'the review that issued the code is evidence')
  await screenshot(page, 'bundle-downloaded')
})
