// End-to-end test of certificate recognition (证书识别) in a real Chromium
// against a running gateway with tesseract installed: an enterprise saves a
// draft, uploads a generated, scanned certificate of origin and quarantine
// certificate (gateway/ocr/corpus: red seal, skew, noise, JPEG artefacts),
// asks for them to be read, watches the progress and sees the fields read
// in the draft: filled where the form was empty, a warning where it
// differs from what was typed, and the typed value kept.
//
// Run: ZT_URL=https://localhost:8080 npm run test:e2e   (in web/)
// The certificates are generated with `go run ./gateway/ocr/corpus/certgen`
// from the repository root (Go needed), unless ZT_OCR_SAMPLES names a
// directory certgen already wrote (-set tuning -seed 1 -from 2 -n 2).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { credentials, launch, login, screenshots } from './session.mjs'

const ENTERPRISE = credentials('ENTERPRISE', 'ent-a')
const RUN = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

let browser
const screenshot = screenshots('ocr')

before(async () => {
  browser = await launch()
})

after(async () => {
  await browser?.close()
})

/** samples returns the two certificates: tuning samples 2 (origin, JPEG) and 3 (quarantine, JPEG) of seed 1. */
function samples() {
  let dir = process.env.ZT_OCR_SAMPLES
  if (!dir) {
    dir = mkdtempSync(path.join(tmpdir(), 'zt-ocr-'))
    execFileSync('go', ['run', './gateway/ocr/corpus/certgen', '-set', 'tuning', '-seed', '1', '-from', '2', '-n', '2', '-out', dir],
      { cwd: ROOT, stdio: 'inherit' })
  }
  return ['tuning-1-002-jpeg', 'tuning-1-003-jpeg'].map((name) => {
    const label = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'))
    return { ...label, content: readFileSync(path.join(dir, label.file)) }
  })
}

async function choose(page, sel, optionLabel) {
  await page.locator(`[data-test=${sel}]`).click()
  await page.getByRole('option', { name: optionLabel, exact: true }).click()
}

async function upload(page, kindLabel, sample) {
  const form = page.locator('[data-test=draft-form]')
  await form.locator('[data-test=attachment-kind]').click()
  await page.getByRole('option', { name: kindLabel, exact: true }).click()
  await form.locator('[data-test=attachment-upload] input[type=file]')
    .setInputFiles({ name: sample.file, mimeType: 'image/jpeg', buffer: sample.content })
  await form.locator('[data-test=attachment-name]', { hasText: sample.file }).waitFor()
}

test('uploaded certificates are read into the draft, with a warning where they differ', async () => {
  const [origin, quarantine] = samples()
  assert.equal(origin.truth.Kind, 'origin_certificate')
  assert.equal(quarantine.truth.Kind, 'quarantine_certificate')
  const page = await login(browser, ENTERPRISE)
  const product = `E2E OCR 生豆 ${RUN}`

  // A saved draft with a batch number typed by hand and no origin.
  await page.locator('[data-test=nav-drafts]').click()
  await page.locator('[data-test=draft-new]').click()
  await page.locator('[data-test=draft-form]').waitFor()
  await page.locator('[data-test=f-productName]').fill(product)
  await page.locator('[data-test=f-quarantineBatchNo]').fill(`TYPED${RUN}`)
  await choose(page, 'f-quarantineResult', '待检疫')
  await page.locator('[data-test=draft-save]').click()
  await page.waitForURL((url) => url.pathname === '/drafts')
  const row = page.locator('[data-test=draft-table] .el-table__row', { hasText: product })
  await row.locator('[data-test=draft-edit]').click()
  await page.waitForURL(/\/drafts\/[^/]+\/edit$/)
  await page.locator('[data-test=f-productName]').waitFor()

  await upload(page, '原产地证', origin)
  await upload(page, '检疫证书', quarantine)
  const items = page.locator('[data-test=recognition-item]')
  await items.nth(1).waitFor()
  for (const i of [0, 1]) await items.nth(i).locator('[data-test=recognition-start]').click()
  await screenshot(page, 'recognition-queued')

  // Progress, then the fields read.
  const originItem = items.filter({ hasText: origin.file })
  const quarantineItem = items.filter({ hasText: quarantine.file })
  await originItem.locator('[data-test=recognition-fields]').waitFor({ timeout: 120_000 })
  await quarantineItem.locator('[data-test=recognition-fields]').waitFor({ timeout: 120_000 })
  await screenshot(page, 'recognition-done')

  // The origin, empty in the form, is filled, in Chinese with its code.
  const originText = (await originItem.locator('[data-test=recognized-origin]').textContent()).trim()
  assert.match(originText, new RegExp(`（${origin.truth.Origin}）$`))
  assert.match(await page.locator('[data-test=f-origin]').textContent(), new RegExp(`（${origin.truth.Origin}）`))

  // The batch number read differs from the typed one: a warning, the typed value kept.
  assert.equal((await quarantineItem.locator('[data-test=recognized-quarantineBatchNo]').textContent()).trim(), quarantine.truth.BatchNo)
  await quarantineItem.locator('[data-test=recognition-differs]').first().waitFor()
  assert.equal(await page.locator('[data-test=f-quarantineBatchNo]').inputValue(), `TYPED${RUN}`)
  assert.equal((await quarantineItem.locator('[data-test=recognized-quarantineDate]').textContent()).trim(), quarantine.truth.Date)

  // Taking the suggestion puts it in the form; saving keeps it.
  await quarantineItem.locator('[data-test=recognition-take-quarantineBatchNo]').click()
  assert.equal(await page.locator('[data-test=f-quarantineBatchNo]').inputValue(), quarantine.truth.BatchNo)
  await page.locator('[data-test=draft-save]').click()
  await page.waitForURL((url) => url.pathname === '/drafts')
  await page.locator('[data-test=draft-table] .el-table__row', { hasText: product }).waitFor()
  await screenshot(page, 'draft-saved')
  await page.close()
})
