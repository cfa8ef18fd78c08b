// End-to-end test of risk alert disposal in a real Chromium against a
// running gateway with the demo data: customs' administrator lists a
// high-risk origin and an opinion template in the risk parameters (through
// the API); an enterprise declares a batch of that origin and customs
// approves it; the alert engine raises a high-risk alert; a customs officer
// then, in the browser, opens it from 风险预警, assesses it (the level
// preview follows the configured matrix), disposes of it with the template
// and an uploaded attachment, closes it and revokes the disposal with a
// reason, and sees each step in the disposal timeline; the analysis page
// and the risk parameter editor show. The risk section is put back as it
// was at the end, so the other tests run against the parameters they knew.
//
// Run: ZT_URL=https://localhost:8080 node --test e2e/alerts.e2e.mjs   (in web/)
// Env: ZT_URL (required), ZT_CUSTOMS_ADMIN_USER/PASS, ZT_CUSTOMS_USER/PASS,
// ZT_ENTERPRISE_USER/PASS, ZT_CHROMIUM. Screenshots go to
// test-artifacts/screenshots/ (prefix alerts-).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, apiClient, credentials, launch, login, screenshots } from './session.mjs'

const ADMIN = credentials('CUSTOMS_ADMIN', 'customs-admin')
const OFFICER = credentials('CUSTOMS', 'customs')
const ENTERPRISE = credentials('ENTERPRISE', 'ent-a')

const RUN = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
// Laos: an origin no other test declares, so only this run's batch fires.
const ORIGIN = 'LA'
const TEMPLATE = {
  id: `e2e-alert-${RUN}`,
  title: `高风险原产地布控查验（E2E ${RUN}）`,
  text: `该批次原产于疫区，布控查验并核对原产地证明（E2E ${RUN}）`,
  kinds: ['high_risk'],
  type: 'inspect',
}
const DISPOSE_REASON = `原产地列入高风险名单（E2E ${RUN}）`
const CLOSE_NOTE = `查验无异常，办结（E2E ${RUN}）`
const REVOKE_REASON = `查验记录录入有误，撤销重办（E2E ${RUN}）`

let browser
let call, ok // the API outside the page (apiClient)
const screenshot = screenshots('alerts-')

before(async () => {
  browser = await launch()
  const client = await apiClient(browser)
  call = client.call
  ok = client.ok
})

after(async () => {
  await browser?.close()
})

async function signIn({ user, pass }) {
  const r = await ok(null, 'POST', '/auth/login', { username: user, password: pass })
  return r.token
}

/** putRisk writes risk (undefined: none, the defaults) on top of the current configuration. */
async function putRisk(token, risk, note) {
  const cfg = await ok(token, 'GET', '/rules/config')
  const config = { tags: cfg.tags || [], models: cfg.models || [], bindings: cfg.bindings || [], rules: cfg.rules || [], note }
  if (risk) config.risk = risk
  return ok(token, 'PUT', '/rules/config', { baseVersion: cfg.version, config })
}

function pdf(title) {
  return Buffer.from(`%PDF-1.4\n% ${title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`)
}

/** choose picks an option of the Element Plus select marked data-test=sel. */
async function choose(page, sel, optionLabel) {
  await page.locator(`[data-test=${sel}]`).click()
  await page.getByRole('option', { name: optionLabel, exact: true }).click()
}

test('customs assesses, disposes of, closes and revokes a risk alert in the browser', async (t) => {
  const adminToken = await signIn(ADMIN)
  const officerToken = await signIn(OFFICER)
  const entToken = await signIn(ENTERPRISE)

  // The risk section as it was, put back at the end whatever happens.
  const previous = (await ok(adminToken, 'GET', '/rules/config')).risk || undefined
  const options = await ok(adminToken, 'GET', '/alerts/disposal-options')
  const base = previous ? structuredClone(previous) : {
    longStorage: { limits: [], defaultMaxDays: 0 },
    highRisk: { origins: [], hsCodes: [], productNames: [] },
    highValue: { periodDays: 0, thresholdPermille: 0 },
    priceDifference: { highPermille: 0, lowPermille: 0 },
    quarantine: { unqualified: false, noCertificate: false },
  }
  const risk = structuredClone(base)
  risk.highRisk.origins = [...new Set([...(risk.highRisk.origins || []), ORIGIN])]
  risk.disposal = {
    matrix: base.disposal?.matrix || options.matrix,
    templates: [...(base.disposal?.templates || []), TEMPLATE],
  }
  const written = await putRisk(adminToken, risk, `E2E ${RUN}：老挝列为高风险原产地`)
  t.after(async () => {
    await putRisk(adminToken, previous, `E2E ${RUN}：恢复风险预警参数`)
  })
  assert.ok(written.risk.highRisk.origins.includes(ORIGIN), JSON.stringify(written.risk))
  const matrix = written.risk.disposal.matrix

  let broken = ''
  const step = (name, fn) => {
    if (broken) return t.test(name, { skip: `earlier step failed: ${broken}` }, () => {})
    return t.test(name, async () => {
      try {
        await fn()
      } catch (e) {
        broken = name
        for (const p of browser.contexts().flatMap((c) => c.pages())) await screenshot(p, 'FAILED').catch(() => {})
        throw e
      }
    })
  }

  let traceCode = ''
  let alertId = 0

  await step('an approved batch of a high-risk origin raises an alert', async () => {
    const draft = await ok(entToken, 'POST', '/prefiling-drafts', {
      data: {
        commodity: 'coffee', productName: `E2E 老挝波罗芬高原生咖啡豆 ${RUN}`, hsCode: '0901110000', origin: ORIGIN,
        exporterName: 'Bolaven Coffee Export Co.', quarantineResult: 'pending', avgPriceFen: 4200, currency: 'CNY',
        weightGrams: 12_000_000, grade: 'G1', plantingRegion: 'Bolaven Plateau', productionDate: '2026-07-01',
        shelfLifeDays: 540, batchNo: `LA${RUN}`, attachments: [],
      },
    })
    let pf = await ok(entToken, 'POST', `/prefiling-drafts/${draft.id}/declare`)
    // A review rule may already have passed it; otherwise customs approves.
    if (pf.status === 'declared') pf = await ok(officerToken, 'POST', `/prefilings/${pf.id}/review`, { decision: 'approve', reason: '浏览器测试：准予通过' })
    assert.equal(pf.status, 'approved', JSON.stringify(pf))
    traceCode = pf.traceCode || (await ok(officerToken, 'GET', `/prefilings/${pf.id}`)).traceCode
    assert.ok(traceCode, 'the approved prefiling has a trace code')

    // The engine evaluates new blocks every second.
    const deadline = Date.now() + 60_000
    for (;;) {
      const page = await ok(officerToken, 'GET', `/alerts?subject=${encodeURIComponent(traceCode)}&kind=high_risk`)
      const hit = (page.items || []).find((a) => a.kind === 'high_risk' && a.subject === traceCode)
      if (hit) {
        alertId = hit.id
        assert.equal(hit.status, 'open')
        assert.equal(hit.facts.origin, ORIGIN)
        break
      }
      assert.ok(Date.now() < deadline, `no high-risk alert for ${traceCode} within a minute`)
      await new Promise((r) => setTimeout(r, 1000))
    }
  })

  const officer = await login(browser, OFFICER)
  const detail = officer.locator('[data-test=alert-detail]')
  const event = (action) => officer.locator(`[data-test=alert-event][data-action=${action}]`)

  await step('the officer finds the alert in 风险预警', async () => {
    await officer.locator('[data-test=nav-risk]').click()
    await officer.locator('[data-test=nav-alerts]').click()
    await officer.waitForURL((url) => url.pathname === '/alerts')
    await officer.locator('[data-test=aq-subject]').fill(traceCode)
    await officer.locator('[data-test=aq-submit]').click()
    const row = officer.locator('[data-test=alert-table] .el-table__row', { has: officer.locator('[data-test=alert-kind][data-kind=high_risk]') })
    await row.first().waitFor()
    assert.equal(await row.count(), 1)
    assert.equal((await row.locator('[data-test=alert-kind]').textContent()).trim(), '高风险货物')
    assert.equal((await row.locator('[data-test=alert-subject]').textContent()).trim(), traceCode)
    assert.equal(await row.locator('[data-test=alert-status]').getAttribute('data-status'), 'open')
    await screenshot(officer, 'list')
    await row.locator('[data-test=alert-open]').click()
    await officer.waitForURL((url) => url.pathname === `/alerts/${alertId}`)
    await officer.locator('[data-test=alert-detail][data-status=open]').waitFor()
    const facts = await officer.locator('[data-test=alert-facts]').textContent()
    assert.ok(facts.includes('高风险原产地') && facts.includes('老挝'), facts)
  })

  await step('the officer assesses it; the preview shows the matrix level', async () => {
    await officer.locator('[data-test=alert-assess]').click()
    const dialog = officer.locator('[data-test=assess-dialog]')
    await dialog.waitFor()
    await officer.locator('[data-test=assess-probability-3]').click()
    await officer.locator('[data-test=assess-impact-2]').click()
    await officer.locator('[data-test=assess-urgency-3]').click()
    // matrix[urgency-1][probability-1][impact-1]
    const expected = matrix[2][2][1]
    await officer.locator(`[data-test=assess-preview][data-level=${expected}]`).waitFor()
    await officer.locator('[data-test=assess-note]').fill(`疫区原产，需尽快处置（E2E ${RUN}）`)
    await officer.locator('[data-test=assess-submit]').click()
    await officer.locator('[data-test=alert-detail][data-status=assessed]').waitFor()
    await dialog.waitFor({ state: 'hidden' })
    assert.equal(await detail.locator('[data-test=alert-level]').getAttribute('data-level'), expected)
    await event('assess').locator(`[data-test=event-level]`).waitFor()
    assert.equal(await event('assess').count(), 1)
  })

  await step('the officer disposes of it with the template and an attachment', async () => {
    await officer.locator('[data-test=alert-dispose]').click()
    const dialog = officer.locator('[data-test=dispose-dialog]')
    await dialog.waitFor()
    assert.ok((await officer.locator('[data-test=dispose-handler]').inputValue()).trim(), 'the handler defaults to the officer')
    await choose(officer, 'dispose-template', TEMPLATE.title)
    assert.equal(await officer.locator('[data-test=dispose-opinion]').inputValue(), TEMPLATE.text)
    assert.ok((await officer.locator('[data-test=dispose-type]').textContent()).includes('布控查验'), 'the template suggests its type')
    await officer.locator('[data-test=dispose-reason]').fill(DISPOSE_REASON)
    const name = `inspection-${RUN}.pdf`
    await dialog.locator('[data-test=attachment-upload] input[type=file]')
      .setInputFiles({ name, mimeType: 'application/pdf', buffer: pdf(`inspection ${RUN}`) })
    await dialog.locator('[data-test=attachment-name]', { hasText: name }).waitFor()
    await officer.locator('[data-test=dispose-submit]').click()
    await officer.locator('[data-test=alert-detail][data-status=disposed]').waitFor()
    await dialog.waitFor({ state: 'hidden' })
    const disposed = event('dispose')
    await disposed.waitFor()
    assert.ok((await disposed.locator('[data-test=event-opinion]').textContent()).includes(TEMPLATE.text))
    assert.equal((await disposed.locator('[data-test=event-type]').textContent()).trim(), '布控查验')
    await disposed.locator('[data-test=attachment-name]', { hasText: name }).waitFor()
    assert.equal(await detail.locator('[data-test=alert-disposal-type]').count(), 1)
  })

  await step('the officer closes it', async () => {
    await officer.locator('[data-test=alert-close]').click()
    await officer.locator('[data-test=reason-input]').fill(CLOSE_NOTE)
    await officer.locator('[data-test=reason-submit]').click()
    await officer.locator('[data-test=alert-detail][data-status=closed]').waitFor()
    await event('close').waitFor()
    assert.ok((await event('close').textContent()).includes(CLOSE_NOTE))
    // Each step names its transaction.
    for (const action of ['assess', 'dispose', 'close']) {
      const tx = (await event(action).locator('.tx').textContent()).replace('交易：', '').trim()
      assert.match(tx, /^[0-9a-f]{64}$/, `${action} tx ${tx}`)
    }
    await screenshot(officer, 'detail-closed')
  })

  await step('the officer revokes the disposal with a reason', async () => {
    await officer.locator('[data-test=alert-revoke]').click()
    // The reason is required: an empty one does not go out.
    await officer.locator('[data-test=reason-submit]').click()
    await officer.locator('[data-test=reason-form] .el-form-item__error').waitFor()
    assert.equal(await officer.locator('[data-test=alert-detail][data-status=closed]').count(), 1)
    await officer.locator('[data-test=reason-input]').fill(REVOKE_REASON)
    await officer.locator('[data-test=reason-submit]').click()
    await officer.locator('[data-test=alert-detail][data-status=assessed]').waitFor()
    const revoked = event('revoke')
    await revoked.waitFor()
    assert.ok((await revoked.locator('[data-test=event-reason]').textContent()).includes(REVOKE_REASON))
    // The revoked disposal stays in the record, marked revoked; it may be disposed of again.
    assert.ok((await event('dispose').textContent()).includes('已撤销'))
    await officer.locator('[data-test=alert-dispose]').waitFor()
    const order = await officer.locator('[data-test=alert-event]').evaluateAll((els) => els.map((e) => e.dataset.action))
    assert.deepEqual(order, ['fired', 'assess', 'dispose', 'close', 'revoke'])
    const stored = await ok(officerToken, 'GET', `/alerts/${alertId}`)
    assert.equal(stored.status, 'assessed')
    assert.equal(stored.disposal.revoked.length, 1)
    assert.equal(stored.disposal.revoked[0].revocation.reason, REVOKE_REASON)
    await screenshot(officer, 'detail-revoked')
  })

  await step('the analysis page charts the alerts', async () => {
    await officer.locator('[data-test=nav-alert-analysis]').click()
    await officer.waitForURL((url) => url.pathname === '/alert-analysis')
    await officer.locator('[data-test=chart-kind] svg').waitFor()
    await officer.locator('[data-test=chart-month] svg').waitFor()
    await officer.locator('[data-test=chart-enterprise] svg').waitFor()
    assert.ok(Number(await officer.locator('[data-test=stats-total]').textContent()) >= 1)
    await screenshot(officer, 'analysis')
  })

  await step('the risk parameter editor shows the origin and the template', async () => {
    const admin = await login(browser, ADMIN)
    await admin.locator('[data-test=nav-rules]').click()
    await admin.locator('[data-test=nav-rules-risk]').click()
    await admin.waitForURL((url) => url.pathname === '/rules/risk')
    await admin.locator('[data-test=config-version]').waitFor()
    await admin.locator('[data-test=risk-origins]', { hasText: '老挝（LA）' }).waitFor()
    await admin.locator('[data-test=risk-matrix]').waitFor()
    const ids = await admin.locator('[data-test=risk-template] [data-test^=risk-tpl-id-]').evaluateAll((els) => els.map((e) => e.value))
    assert.ok(ids.includes(TEMPLATE.id), ids.join(','))
    await screenshot(admin, 'risk-params')
    // An officer reads the parameters but cannot save them.
    await officer.goto(`${BASE}/rules/risk`)
    await officer.locator('[data-test=risk-matrix]').waitFor()
    assert.equal(await officer.locator('[data-test=risk-save]').count(), 0)
    await admin.context().close()
  })

  await officer.context().close()
})
