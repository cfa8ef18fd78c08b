// End-to-end test of the prefiling lifecycle in a real Chromium against a
// running gateway: draft → declare → customs return → declare again →
// approve (trace code + QR) → supplement → supplement approved → history.
//
// Run: ZT_URL=https://localhost:8080 npm run test:e2e   (in web/)
// Env: ZT_URL (required), ZT_ENTERPRISE_USER/PASS, ZT_CUSTOMS_USER/PASS,
// ZT_CHROMIUM (default /usr/bin/chromium). Screenshots of every stage go to
// test-artifacts/screenshots/ at the repository root.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, confirmBox, credentials, launch, login, screenshots } from './session.mjs'

const ENTERPRISE = credentials('ENTERPRISE', 'ent-a')
const CUSTOMS = credentials('CUSTOMS', 'customs')

// A run-unique suffix keeps this run's prefilings apart from earlier runs'.
const RUN = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
const RETURN_REASON = `原产地证与申报原产地不一致（E2E ${RUN}）`

let browser
const screenshot = screenshots('')

before(async () => {
  browser = await launch()
})

after(async () => {
  await browser?.close()
})

const newUser = (who) => login(browser, who)

/** choose picks an option of the Element Plus select marked data-test=sel. */
async function choose(page, sel, optionLabel) {
  await page.locator(`[data-test=${sel}]`).click()
  await page.getByRole('option', { name: optionLabel, exact: true }).click()
}

function pdf(title) {
  return Buffer.from(`%PDF-1.4\n% ${title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`)
}

/** upload adds an attachment of the given kind in the visible uploader. */
async function upload(scope, page, kindLabel, name) {
  await scope.locator('[data-test=attachment-kind]').click()
  await page.getByRole('option', { name: kindLabel, exact: true }).click()
  await scope.locator('[data-test=attachment-upload] input[type=file]')
    .setInputFiles({ name, mimeType: 'application/pdf', buffer: pdf(`${name} ${RUN}`) })
  await scope.locator('[data-test=attachment-name]', { hasText: name }).waitFor()
}

/** createDraft fills every field of the draft form and saves it. */
async function createDraft(page, productName) {
  await page.locator('[data-test=nav-drafts]').click()
  await page.locator('[data-test=draft-new]').click()
  const form = page.locator('[data-test=draft-form]')
  await form.waitFor()
  await page.locator('[data-test=f-productName]').fill(productName)
  await page.locator('[data-test=f-hsCode]').fill('0901110000')
  await choose(page, 'f-origin', '埃塞俄比亚（ET）')
  await page.locator('[data-test=f-grade]').fill('G1')
  await page.locator('[data-test=f-plantingRegion]').fill('耶加雪菲')
  await page.locator('[data-test=f-exporterName]').fill('Yirgacheffe Coffee Farmers Cooperative Union')
  await page.locator('[data-test=f-exporterRegNo]').fill('ET-EXP-2024-0017')
  await page.locator('[data-test=f-quarantineBatchNo]').fill(`QB${RUN}`)
  await choose(page, 'f-quarantineResult', '待检疫')
  await page.locator('[data-test=f-avgPrice]').fill('86.50')
  await choose(page, 'f-currency', 'CNY 人民币')
  await page.locator('[data-test=f-weight]').fill('19200.5')
  await page.locator('[data-test=f-productionDate] input').fill('2024-11-20')
  await page.keyboard.press('Enter')
  await page.locator('[data-test=f-shelfLifeDays] input').fill('540')
  await page.locator('[data-test=f-materialNo]').fill('MAT-ET-G1')
  await page.locator('[data-test=f-batchNo]').fill(`B${RUN}`)
  await page.locator('[data-test=f-entryDraftNo]').fill(`ED${RUN}`)
  await upload(form, page, '原产地证', `origin-cert-${productName}.pdf`)
  await screenshot(page, 'draft-form-filled')
  await page.locator('[data-test=draft-save]').click()
  await page.waitForURL((url) => url.pathname === '/drafts')
  await page.locator('[data-test=draft-product]', { hasText: productName }).waitFor()
}

/** declareDraft declares the draft from the list and returns the prefiling id. */
async function declareDraft(page, productName) {
  const row = page.locator('[data-test=draft-table] .el-table__row', { hasText: productName })
  await row.locator('[data-test=draft-declare]').click()
  await confirmBox(page)
  await page.waitForURL(/\/prefilings\/[^/]+$/)
  const id = (await page.locator('[data-test=detail-id]').textContent()).trim()
  await page.locator('[data-test=status-tag][data-status=declared]').waitFor()
  return id
}

/** openFromQueue finds the prefiling in the customs queue and opens it. */
async function openFromQueue(page, id, productName) {
  await page.locator('[data-test=nav-review-queue]').click()
  await page.waitForURL((url) => url.pathname === '/review-queue')
  await page.locator('[data-test=q-productName]').fill(productName)
  await page.locator('[data-test=q-submit]').click()
  const row = page.locator('[data-test=prefiling-table] .el-table__row', { hasText: id })
  await row.waitFor()
  return row
}

async function customsDecide(page, button, reason) {
  await page.locator(`[data-test=${button}]`).click()
  if (reason) await page.locator('[data-test=review-reason]').fill(reason)
  await page.locator('[data-test=review-submit]').click()
}

async function timelineActions(page) {
  return page.locator('[data-test=timeline-step]').evaluateAll((els) => els.map((e) => e.dataset.action))
}

test('a prefiling goes from draft to approved supplement through the browser', async (t) => {
  const ent = await newUser(ENTERPRISE)
  const customs = await newUser(CUSTOMS)
  const first = `E2E 耶加雪菲生豆 ${RUN}-1`
  const second = `E2E 耶加雪菲生豆 ${RUN}-2`
  let firstId
  let secondId

  // Each step needs the previous ones: after a failure the rest are skipped
  // (not left to time out), and both screens are saved for the post-mortem.
  let broken = ''
  const step = (name, fn) => {
    if (broken) return t.test(name, { skip: `earlier step failed: ${broken}` }, () => {})
    return t.test(name, async () => {
      try {
        await fn()
      } catch (e) {
        broken = name
        await screenshot(ent, 'FAILED-enterprise').catch(() => {})
        await screenshot(customs, 'FAILED-customs').catch(() => {})
        throw e
      }
    })
  }

  await step('the enterprise sees its name, role and the watermark after login', async () => {
    assert.match(await ent.locator('[data-test=current-role]').textContent(), /企业用户/)
    await ent.locator('[data-test=watermark]').waitFor({ state: 'attached' })
    assert.match(await ent.locator('[data-test=watermark]').getAttribute('data-text'), new RegExp(ENTERPRISE.user))
    await screenshot(ent, 'enterprise-home')
  })

  await step('the enterprise creates a complete draft and declares it', async () => {
    await createDraft(ent, first)
    await screenshot(ent, 'draft-list')
    firstId = await declareDraft(ent, first)
    await screenshot(ent, 'first-declared')
  })

  await step('customs finds the declaration in the queue and returns it with a reason', async () => {
    const row = await openFromQueue(customs, firstId, first)
    await screenshot(customs, 'customs-queue')
    await row.locator('[data-test=prefiling-open]').click()
    await customs.locator('[data-test=review-return]').waitFor()
    await customsDecide(customs, 'review-return', RETURN_REASON)
    await customs.locator('[data-test=status-tag][data-status=returned]').waitFor()
    await screenshot(customs, 'customs-returned')
  })

  await step('the enterprise sees 退单 and the reason', async () => {
    await ent.locator('[data-test=nav-prefilings]').click()
    await ent.locator('[data-test=q-productName]').fill(first)
    await ent.locator('[data-test=q-submit]').click()
    const row = ent.locator('[data-test=prefiling-table] .el-table__row', { hasText: firstId })
    await row.locator('[data-test=status-tag][data-status=returned]', { hasText: '退单' }).waitFor()
    await screenshot(ent, 'enterprise-list-returned')
    await row.locator('[data-test=prefiling-open]').click()
    assert.equal((await ent.locator('[data-test=return-reason]').textContent()).trim(), RETURN_REASON)
    assert.deepEqual(await timelineActions(ent), ['declare', 'return'])
    await screenshot(ent, 'enterprise-return-reason')
  })

  await step('the enterprise declares a second batch and customs approves it', async () => {
    await createDraft(ent, second)
    secondId = await declareDraft(ent, second)
    const row = await openFromQueue(customs, secondId, second)
    await row.locator('[data-test=prefiling-open]').click()
    await customs.locator('[data-test=review-approve]').waitFor()
    await customsDecide(customs, 'review-approve', '单证齐全，准予通过')
    await customs.locator('[data-test=status-tag][data-status=approved]').waitFor()
    await screenshot(customs, 'customs-approved')
  })

  await step('the enterprise sees the trace code and its QR image loads', async () => {
    await ent.goto(`${BASE}/prefilings/${encodeURIComponent(secondId)}`)
    await ent.locator('[data-test=status-tag][data-status=approved]').waitFor()
    const code = (await ent.locator('[data-test=trace-code]').textContent()).trim()
    assert.ok(code.length > 0, 'an approved prefiling shows its trace code')
    const qr = ent.locator('[data-test=trace-qr]')
    await qr.waitFor()
    await ent.waitForFunction((img) => img.complete && img.naturalWidth > 0, await qr.elementHandle())
    assert.ok(await qr.evaluate((img) => img.naturalWidth) > 0, 'the QR image decodes')
    await screenshot(ent, 'enterprise-trace-code')
  })

  await step('the enterprise supplements the quarantine result', async () => {
    await ent.locator('[data-test=supplement-open]').click()
    const dialog = ent.locator('.el-dialog', { has: ent.locator('[data-test=supplement-form]') })
    await dialog.waitFor()
    await ent.locator('[data-test=s-quarantineBatchNo]').fill(`QB${RUN}`)
    await choose(ent, 's-quarantineResult', '合格')
    await ent.locator('[data-test=s-quarantineDate] input').fill('2024-12-05')
    await ent.keyboard.press('Enter')
    await ent.locator('[data-test=s-note]').fill('入区后检疫合格')
    await upload(dialog, ent, '检疫证书', `quarantine-cert-${RUN}.pdf`)
    await screenshot(ent, 'supplement-dialog')
    await ent.locator('[data-test=supplement-submit]').click()
    await ent.locator('[data-test=supplement-status-tag][data-status=declared]').waitFor()
    await screenshot(ent, 'supplement-declared')
  })

  await step('customs approves the supplement', async () => {
    const row = await openFromQueue(customs, secondId, second)
    await row.locator('[data-test=prefiling-open]').click()
    await customs.locator('[data-test=supplement-approve]').waitFor()
    await customsDecide(customs, 'supplement-approve', '')
    await customs.locator('[data-test=supplement-status-tag][data-status=approved]').waitFor()
    await screenshot(customs, 'customs-supplement-approved')
  })

  await step('the detail timeline shows every step', async () => {
    await ent.reload()
    await ent.locator('[data-test=supplement-status-tag][data-status=approved]').waitFor()
    assert.deepEqual(await timelineActions(ent), ['declare', 'approve', 'supplement_declare', 'supplement_approve'])
    await screenshot(ent, 'enterprise-final-timeline')
  })
})
