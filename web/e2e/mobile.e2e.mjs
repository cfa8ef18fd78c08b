// Browser test of the app on a phone (issue 10), 390 × 844 as an iPhone 12-
// 15 shows it: the side menu folds into a drawer opened from the header, a
// list page and a detail page give their content the screen's width (≥ 350
// px, no sideways scrolling of the page), and a trace code typed on a
// document line fills the product facts of its batch.
//
// Needs demo data in which ent-a holds stock and has documents (the --demo
// seed). Run: ZT_URL=https://localhost:8080 npm run test:e2e   (in web/)
// Env: ZT_URL (required), ZT_ENTERPRISE_USER/PASS, ZT_CHROMIUM.
// Screenshots: test-artifacts/screenshots/mobile-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, credentials, launch, screenshots } from './session.mjs'

const ENT_A = credentials('ENTERPRISE', 'ent-a')
const CUSTOMS = credentials('CUSTOMS', 'customs')
const ADMIN = credentials('ADMIN', 'admin')
const PHONE = { width: 390, height: 844 }
const MIN_CONTENT = 350

let browser
let page
const screenshot = screenshots('mobile-')

before(async () => {
  browser = await launch()
  const context = await browser.newContext({
    viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', ignoreHTTPSErrors: true,
  })
  page = await context.newPage()
  page.setDefaultTimeout(20_000)
})

after(async () => {
  await browser?.close()
})

/** signIn logs who in on the phone page. */
async function signIn(who) {
  await page.goto(`${BASE}/login`)
  await page.locator('[data-test=login-username]').fill(who.user)
  await page.locator('[data-test=login-password]').fill(who.pass)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  await page.locator('[data-test=current-user]').waitFor()
}

/** layout measures the page content and whether the page scrolls sideways. */
function layout() {
  return page.evaluate(() => {
    // The card, and the narrowest descriptions table in it: a block
    // squeezed beside another (a fixed side box) shows here.
    const card = document.querySelector('.main .el-card')
    const widths = [card, ...document.querySelectorAll('.main .el-descriptions')].filter(Boolean).map((e) => e.getBoundingClientRect().width)
    return {
      contentWidth: widths.length ? Math.min(...widths) : 0,
      pageScrollWidth: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      aside: !!document.querySelector('.aside'),
    }
  })
}

/** api calls the gateway with the page's session, as the app does. */
function api(path) {
  return page.evaluate(async (p) => {
    const { token } = JSON.parse(sessionStorage.getItem('zonetrace.session'))
    const r = await fetch('/api/v1' + p, { headers: { Authorization: 'Bearer ' + token } })
    if (!r.ok) throw new Error(`${p}: ${r.status}`)
    return r.json()
  }, path)
}

test('the login page fits the phone', async () => {
  await page.goto(`${BASE}/login`)
  await page.locator('[data-test=login-username]').waitFor()
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= PHONE.width, `the login page scrolls sideways: ${width} px`)
  await screenshot(page, 'login')
  await signIn(ENT_A)
})

test('the menu folds into a drawer opened from the header', async () => {
  assert.equal((await layout()).aside, false, 'no side menu on a phone')
  assert.equal(await page.locator('[data-test=nav-documents]').isVisible(), false, 'the menu is out of the way')
  await page.locator('[data-test=nav-toggle]').click()
  const drawer = page.locator('.el-drawer')
  await drawer.waitFor()
  await drawer.locator('[data-test=nav-documents]').waitFor()
  await page.waitForTimeout(400) // the drawer's slide-in
  await screenshot(page, 'drawer')
  await drawer.locator('[data-test=nav-documents]').click()
  await page.waitForURL((url) => url.pathname === '/documents')
  await drawer.waitFor({ state: 'hidden' })
})

test('a list page gives its content the width of the screen', async () => {
  await page.locator('[data-test=document-table] .el-table__row').first().waitFor()
  const l = await layout()
  assert.ok(l.contentWidth >= MIN_CONTENT, `list content is ${l.contentWidth} px wide`)
  assert.ok(l.pageScrollWidth <= l.viewport, `the page scrolls sideways: ${l.pageScrollWidth} > ${l.viewport}`)
  await screenshot(page, 'document-list')
})

test('a detail page gives its content the width of the screen', async () => {
  const id = (await page.locator('[data-test=document-id]').first().textContent()).trim()
  await page.locator('[data-test=document-table] .el-table__row').first().click()
  await page.waitForURL((url) => url.pathname === `/documents/${id}`)
  await page.getByText(id).first().waitFor()
  await page.locator('.main .el-card').first().waitFor()
  const l = await layout()
  assert.ok(l.contentWidth >= MIN_CONTENT, `detail content is ${l.contentWidth} px wide`)
  assert.ok(l.pageScrollWidth <= l.viewport, `the page scrolls sideways: ${l.pageScrollWidth} > ${l.viewport}`)
  await screenshot(page, 'document-detail')
})

test('a trace code typed on a line fills the product', async () => {
  const { items } = await api('/balances')
  const held = items.find((b) => b.weightGrams > 0)
  assert.ok(held, 'ent-a holds a batch in the demo data')
  const facts = await api(`/trace-codes/${encodeURIComponent(held.traceCode)}/line-defaults`)
  assert.ok(facts.productName, 'the batch has a product name')

  await page.goto(`${BASE}/doc-drafts/checklist/new?businessType=exit`)
  const code = page.locator('input[data-test=line-traceCode]').first()
  await code.waitFor()
  const l = await layout()
  assert.ok(l.contentWidth >= MIN_CONTENT, `form content is ${l.contentWidth} px wide`)
  await code.fill(held.traceCode)
  await code.press('Enter')
  const product = page.locator('input[data-test=line-productName]').first()
  await page.waitForFunction((el) => el.value !== '', await product.elementHandle())
  assert.equal(await product.inputValue(), facts.productName)
  assert.equal(await page.locator('input[data-test=line-hsCode]').first().inputValue(), facts.hsCode)
  await page.locator('[data-test=line-filled]').first().waitFor()
  await screenshot(page, 'line-filled')
})

test('the counterparty is found by its name', async () => {
  await page.goto(`${BASE}/doc-drafts/bonded_transfer/new?businessType=out`)
  const field = page.locator('input[data-test=h-counterpartyId]')
  await field.waitFor()
  await field.pressSequentially('综保仓储')
  const option = page.locator('[data-test=counterparty-option]').first()
  await option.waitFor()
  await screenshot(page, 'counterparty-search')
  await option.click()
  assert.match(await field.inputValue(), /^[0-9A-Z]{18}$/, 'the credit code is filled in')
  assert.match(await page.locator('[data-test=counterparty-name]').textContent(), /综保仓储/)
})

test("customs' review queue and a prefiling fit the phone too", async () => {
  await page.locator('[data-test=logout]').click()
  await page.waitForURL((url) => url.pathname.startsWith('/login'))
  await signIn(CUSTOMS)
  await page.locator('.main .el-card').first().waitFor()
  let l = await layout()
  assert.equal(l.aside, false)
  assert.ok(l.contentWidth >= MIN_CONTENT, `the landing list is ${l.contentWidth} px wide`)
  assert.ok(l.pageScrollWidth <= l.viewport, `the page scrolls sideways: ${l.pageScrollWidth} > ${l.viewport}`)
  await screenshot(page, 'customs-queue')
  const { items } = await api('/prefilings?pageSize=1')
  assert.ok(items.length, 'the demo has prefilings')
  await page.goto(`${BASE}/prefilings/${items[0].id}`)
  await page.getByText(items[0].id).first().waitFor()
  l = await layout()
  assert.ok(l.contentWidth >= MIN_CONTENT, `the prefiling is ${l.contentWidth} px wide`)
  assert.ok(l.pageScrollWidth <= l.viewport, `the page scrolls sideways: ${l.pageScrollWidth} > ${l.viewport}`)
  await screenshot(page, 'customs-prefiling')
})

test("the zone admin's header (with its bell) and user list fit the phone", async () => {
  await page.locator('[data-test=logout]').click()
  await page.waitForURL((url) => url.pathname.startsWith('/login'))
  await signIn(ADMIN)
  await page.goto(`${BASE}/users`)
  await page.locator('.main .el-table__row').first().waitFor()
  const l = await layout()
  assert.ok(l.contentWidth >= MIN_CONTENT, `the user list is ${l.contentWidth} px wide`)
  assert.ok(l.pageScrollWidth <= l.viewport, `the page scrolls sideways: ${l.pageScrollWidth} > ${l.viewport}`)
  await screenshot(page, 'admin-users')
})
