// End-to-end test of the accounts (账务核算): an enterprise opens 区内库存,
// drills a figure down to its movements (核算明细, the same keys), downloads
// the stock report as Excel (opened: a zip holding the sheet with the title
// and the row's figure in kg) and as PDF (its first page rendered to PNG by
// pdftoppm, kept with the screenshots), exports the drill-down, opens 周期核算
// (a period's figures, their drill-down and exports), and the stock page
// fits a 390 px phone with its table scrolling inside the card.
//
// Needs demo data in which ent-a holds a bonded batch (the --demo seed).
// Run: ZT_URL=https://localhost:8080 npm run test:e2e (in web/)
// Env: ZT_URL (required), ZT_ENTERPRISE_USER/PASS, ZT_CHROMIUM.
// Screenshots: test-artifacts/screenshots/accounts-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inflateRawSync } from 'node:zlib'
import { BASE, credentials, launch, login, screenshots } from './session.mjs'

const ENT_A = credentials('ENTERPRISE', 'ent-a')
const SHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url))
const DOWNLOADS = fileURLToPath(new URL('../../test-artifacts/downloads/', import.meta.url))

let browser
let page
const screenshot = screenshots('accounts-')

before(async () => {
  browser = await launch()
  page = await login(browser, ENT_A)
  mkdirSync(DOWNLOADS, { recursive: true })
})

after(async () => {
  await browser?.close()
})

/** zipEntry reads one file of a zip (an .xlsx) by its central directory. */
function zipEntry(zip, name) {
  let end = zip.length - 22
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--
  assert.ok(end >= 0, 'not a zip file: no end of central directory')
  let p = zip.readUInt32LE(end + 16)
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const method = zip.readUInt16LE(p + 10)
    const size = zip.readUInt32LE(p + 20)
    const nameLen = zip.readUInt16LE(p + 28)
    const extra = zip.readUInt16LE(p + 30)
    const comment = zip.readUInt16LE(p + 32)
    const local = zip.readUInt32LE(p + 42)
    if (zip.toString('utf8', p + 46, p + 46 + nameLen) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
      const data = zip.subarray(start, start + size)
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8')
    }
    p += 46 + nameLen + extra + comment
  }
  assert.fail(`${name} not in the zip`)
}

/** download clicks a button and saves the file it downloads. */
async function download(testId, file) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-test=${testId}]`).click()])
  const path = join(DOWNLOADS, file)
  await dl.saveAs(path)
  return { path, name: dl.suggestedFilename(), body: readFileSync(path) }
}

let firstRow // the first stock row's trace code and stock, as the page shows them

test('an enterprise opens 区内库存 from the menu', async () => {
  await page.locator('[data-test=nav-accounts]').click()
  await page.locator('[data-test=nav-accounts-stock]').click()
  await page.waitForURL(/\/accounts\/stock/)
  const code = page.locator('[data-test=stock-code]').first()
  await code.waitFor()
  firstRow = { code: (await code.textContent()).trim(), kg: (await page.locator('[data-test=stock-weight]').first().textContent()).trim() }
  assert.match(firstRow.code, /^[A-Z0-9]+$/)
  assert.ok(Number(firstRow.kg) > 0, `the demo batch is in stock: ${firstRow.kg} kg`)
  await screenshot(page, 'stock')
})

test('a stock figure drills down to its movements with the same keys', async () => {
  await page.locator('[data-test=stock-table] .el-table__body tr').first().click()
  await page.waitForURL(/\/accounts\/movements/)
  const url = new URL(page.url())
  assert.equal(url.searchParams.get('traceCode'), firstRow.code)
  assert.ok(url.searchParams.get('bonded'), 'a holding fixes its customs status')
  await page.locator('[data-test=mv-flow-tag]').first().waitFor()
  const flows = await page.locator('[data-test=mv-flow-tag]').allTextContents()
  assert.ok(flows.some((f) => f.includes('入区')), `the batch's entry is among its movements: ${flows}`)
  await screenshot(page, 'movements')
  const xlsx = await download('movements-export-xlsx', 'accounts-movements.xlsx')
  assert.ok(zipEntry(xlsx.body, 'xl/worksheets/sheet1.xml').includes(firstRow.code), 'the drill-down exports its rows')
})

test('the stock report downloads as Excel and opens', async () => {
  await page.goBack()
  await page.locator('[data-test=stock-code]').first().waitFor()
  const xlsx = await download('stock-export-xlsx', 'accounts-stock.xlsx')
  assert.equal(xlsx.name, '区内库存.xlsx')
  assert.equal(xlsx.body.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004', 'an xlsx is a zip')
  const sheet = zipEntry(xlsx.body, 'xl/worksheets/sheet1.xml')
  const strings = sheet + (xlsx.body.includes('xl/sharedStrings.xml') ? zipEntry(xlsx.body, 'xl/sharedStrings.xml') : '')
  assert.ok(strings.includes('区内库存报表'), 'the sheet has the title')
  assert.ok(strings.includes(firstRow.code), 'the sheet has the row the page shows')
  assert.ok(sheet.includes(`<v>${firstRow.kg}</v>`) || strings.includes(`>${firstRow.kg}<`), `the stock is in kg as on the screen: ${firstRow.kg}`)
})

test('the stock report downloads as PDF, rendered to PNG', async () => {
  const pdf = await download('stock-export-pdf', 'accounts-stock.pdf')
  assert.equal(pdf.name, '区内库存.pdf')
  assert.equal(pdf.body.subarray(0, 4).toString('latin1'), '%PDF')
  const png = join(SHOTS, 'accounts-pdf-page')
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdf.path, png])
  assert.ok(existsSync(png + '.png'), 'pdftoppm rendered the first page')
  try {
    const text = execFileSync('pdftotext', ['-layout', pdf.path, '-']).toString()
    assert.ok(text.includes('区内库存报表') && text.includes(firstRow.code), 'the PDF shows the title and the row')
  } catch (e) {
    if (e.code !== 'ENOENT') throw e
    console.log('pdftotext not installed: the PDF text is not checked')
  }
})

/** post writes through the API with the page's session, as the app does. */
function post(path, body) {
  return page.evaluate(async ([p, b]) => {
    const { token } = JSON.parse(sessionStorage.getItem('zonetrace.session'))
    const r = await fetch('/api/v1' + p + '?wait=indexed', {
      method: 'POST', body: JSON.stringify(b),
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
    })
    if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`)
    return r.json()
  }, [path, body])
}

test('周期核算: the figures of a period balance, drill down and export', async () => {
  const periodId = 'E2E' + Date.now().toString(36)
  await post('/accounts/periods', { periodId, from: '2020-01-01', to: '2099-12-31' })
  await page.locator('[data-test=nav-accounts-periods]').click()
  await page.waitForURL(/\/accounts\/periods/)
  await page.locator('[data-test=period-table] .el-table__body tr', { hasText: periodId }).click()
  const closing = page.locator('[data-test=figures-table] [data-test=figure-closing]').first()
  await closing.waitFor()
  assert.ok(Number(await closing.textContent()) > 0, 'the demo batch closes the period in stock')
  await screenshot(page, 'periods')

  const pdf = await download('figures-export-pdf', 'accounts-figures.pdf')
  assert.equal(pdf.body.subarray(0, 4).toString('latin1'), '%PDF')
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdf.path, join(SHOTS, 'accounts-figures-pdf-page')])
  const xlsx = await download('figures-export-xlsx', 'accounts-figures.xlsx')
  assert.ok(zipEntry(xlsx.body, 'xl/worksheets/sheet1.xml').length > 0)

  await page.locator('[data-test=figures-table] .el-table__body tr').first().click()
  await page.waitForURL(/\/accounts\/movements/)
  const url = new URL(page.url())
  assert.equal(url.searchParams.get('from'), '2020-01-01', 'a figure drills down within its period')
  await page.locator('[data-test=mv-flow-tag]').first().waitFor()
})

test('进出区记录 lists the entries', async () => {
  await page.locator('[data-test=nav-accounts-entries]').click()
  await page.waitForURL(/\/accounts\/entries/)
  await page.locator('[data-test=mv-flow-tag]').first().waitFor()
  await screenshot(page, 'entries')
})

test('the stock page fits a 390 px phone; its table scrolls inside the card', async () => {
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`${BASE}/accounts/stock`)
  await page.locator('[data-test=stock-code]').first().waitFor()
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    card: document.querySelector('.main .el-card').getBoundingClientRect().width,
  }))
  assert.ok(widths.page <= 390, `the page scrolls sideways: ${widths.page} px`)
  assert.ok(widths.card >= 350, `the card is squeezed: ${widths.card} px`)
  await screenshot(page, 'stock-phone')
})
