// End-to-end test of 海关报文 (national messages to customs' own systems):
// the demo node drops INV101/SAS111/SAS121 files into an import folder
// (scripts/browser-test.sh passes --customs-outbox-dir). The importer ent-a
// opens its declared checklist, sends it to customs again from the page
// (手动同步请求), waits for the send and reads the INV101 as sent; customs
// post the INV200 storage receipt saying customs could not store it and see
// 入库失败 with the reason in the send log.
//
// Needs the demo seed (ent-a declared a checklist).
// Run: ZT_URL=https://localhost:8080 npm run test:e2e (in web/)
// Env: ZT_URL (required), ZT_ENTERPRISE_USER/PASS, ZT_CUSTOMS_USER/PASS, ZT_CHROMIUM.
// Screenshots: test-artifacts/screenshots/national-messages-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { BASE, apiClient, confirmBox, credentials, launch, login, screenshots } from './session.mjs'

const ENTERPRISE = credentials('ENTERPRISE', 'ent-a')
const CUSTOMS = credentials('CUSTOMS', 'customs')
const screenshot = screenshots('national-messages-')

let browser
let ok // the API outside the page (apiClient)
let entToken
let docId

before(async () => {
  browser = await launch()
  ;({ ok } = await apiClient(browser))
  entToken = (await ok(null, 'POST', '/auth/login', { username: ENTERPRISE.user, password: ENTERPRISE.pass })).token
  const docs = await ok(entToken, 'GET', '/documents?family=checklist&pageSize=50')
  const declared = (docs.items || []).find((d) => d.status !== 'voided')
  assert.ok(declared, 'the demo seed declares a checklist for ent-a')
  docId = declared.id
})

after(async () => {
  await browser?.close()
})

/** sentMessages polls the send log of the document until count messages are sent. */
async function sentMessages(count) {
  for (let i = 0; i < 100; i++) {
    const items = (await ok(entToken, 'GET', `/national-messages?documentId=${docId}`)).items || []
    if (items.filter((m) => m.status === 'sent').length >= count) return items
    await new Promise((r) => setTimeout(r, 200))
  }
  assert.fail(`fewer than ${count} messages of ${docId} were sent within 20 s`)
}

test('the importer sends its checklist to customs again and reads the INV101 as sent', async () => {
  const before = (await ok(entToken, 'GET', `/national-messages?documentId=${docId}`)).items.length
  const page = await login(browser, ENTERPRISE)
  await page.goto(`${BASE}/documents/${docId}`)
  const card = page.locator('[data-test=doc-national-messages]')
  await card.waitFor()
  await page.locator('[data-test=doc-send-message]').click()
  await confirmBox(page)
  await page.locator('.el-message--success').filter({ hasText: 'INV101 报文已排队发送' }).waitFor()
  await card.locator('[data-test=nm-status]').nth(before).waitFor()
  await sentMessages(before + 1)
  await page.reload()
  await card.locator('[data-test=nm-status]').first().filter({ hasText: '已发送' }).waitFor()
  await card.locator('[data-test=nm-xml]').first().click()
  const xml = page.locator('[data-test=nm-xml-text]')
  await xml.filter({ hasText: '<EtpsInnerInvtNo>' }).waitFor()
  const text = await xml.textContent()
  assert.ok(text.includes(`<EtpsInnerInvtNo>${docId}</EtpsInnerInvtNo>`), 'the INV101 carries the document id as 企业内部编号')
  assert.ok(text.includes('<DelcareFlag>1</DelcareFlag>'), 'declared, not kept as a temporary draft')
  await screenshot(page, 'inv101')
  await page.context().close()
})

test('customs see the storage receipt that refused it in the send log', async () => {
  const page = await login(browser, CUSTOMS)
  const rmk = '表体第1项商品编码与账册备案不一致（测试）'
  const receipt = `<Package><EnvelopInfo><message_type>INV200</message_type></EnvelopInfo><DataInfo><BussinessData><INV200><MsgReceResult>
    <resutType>1</resutType><etpsPreentNo>${docId}</etpsPreentNo><manageResult>2</manageResult>
    <manageDate>2026-11-28 10:00:00</manageDate><rmk>${rmk}</rmk></MsgReceResult></INV200></BussinessData></DataInfo></Package>`
  const answer = await page.evaluate(async ([body, key]) => {
    const { token } = JSON.parse(sessionStorage.getItem('zonetrace.session'))
    const r = await fetch('/api/v1/external-receipts', {
      method: 'POST', body,
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/xml', 'Idempotency-Key': key },
    })
    return { status: r.status, json: await r.json() }
  }, [receipt, randomUUID()])
  assert.equal(answer.status, 202, JSON.stringify(answer.json))
  assert.equal(answer.json.storage, 'not_stored')

  await page.goto(`${BASE}/national-messages`)
  await page.locator('[data-test=nm-q-document]').fill(docId)
  await page.locator('[data-test=nm-q-document]').press('Enter')
  const first = page.locator('[data-test=national-message-table] .el-table__body-wrapper tr').first()
  await first.locator('[data-test=nm-storage]').filter({ hasText: '入库失败' }).waitFor()
  assert.equal((await first.locator('[data-test=nm-document]').textContent()).trim(), docId)
  await first.locator('[data-test=nm-storage]').hover()
  await page.locator('.el-popper').filter({ hasText: rmk }).waitFor()
  await screenshot(page, 'send-log')
  await page.context().close()
})
