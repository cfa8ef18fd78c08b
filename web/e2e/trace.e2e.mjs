// End-to-end test of the trace flow graph: a batch passes through six
// holders (ent-a → ent-b → four enterprises the zone admin registers here)
// in bonded transfers set up through the API as each enterprise's clerk and
// customs, then customs and the last holder open 溯源全程 in a real Chromium
// and see a flow graph of six enterprises and five transfers, in the order
// the batch reached them; an enterprise that never held it is refused.
//
// Needs demo data in which ent-a holds a bonded batch nobody else held (the
// --demo seed). Run: ZT_URL=https://localhost:8080 npm run test:e2e (in web/)
// Env: ZT_URL (required), ZT_ENTERPRISE_USER/PASS, ZT_TRANSFEREE_USER/PASS,
// ZT_CUSTOMS_USER/PASS, ZT_ADMIN_USER/PASS, ZT_CHROMIUM.
// Screenshots: test-artifacts/screenshots/trace-*.png.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, apiClient, credentials, launch, login, screenshots } from './session.mjs'

const ENT_A = credentials('ENTERPRISE', 'ent-a')
const ENT_B = credentials('TRANSFEREE', 'ent-b')
const CUSTOMS = credentials('CUSTOMS', 'customs')
const ADMIN = credentials('ADMIN', 'admin')
const STEP_GRAMS = 1000 // each holder passes 1 kg on
const HOLDERS = 6

let browser
let call, ok // the API outside the page (apiClient)
const screenshot = screenshots('trace-')

before(async () => {
  browser = await launch()
  const client = await apiClient(browser)
  call = client.call
  ok = client.ok
})

after(async () => {
  await browser?.close()
})

/** signIn logs in through the API, changing an administrator-set password first. */
async function signIn({ user, pass }) {
  const r = await ok(null, 'POST', '/auth/login', { username: user, password: pass })
  if (r.mustChangePassword) {
    await ok(r.token, 'POST', '/me/password', { currentPassword: pass, newPassword: pass + '-x' })
    return signIn({ user, pass: pass + '-x' })
  }
  return { token: r.token, enterpriseId: r.user.enterpriseId, user, pass }
}

/** registerHolder makes an enterprise and its clerk (idempotent across runs by id). */
async function registerHolder(admin, n) {
  const id = `91320583MA1TRC${String(n).padStart(4, '0')}`
  const existing = await call(admin.token, 'GET', `/enterprises/${id}`)
  if (existing.status === 404) {
    await ok(admin.token, 'POST', '/enterprises', { id, name: `溯源测试仓储${n}号有限公司`, kind: 'warehouse', customsCode: `3223T${String(n).padStart(5, '0')}` })
  }
  const username = `trace-${n}`
  const created = await call(admin.token, 'POST', '/users', {
    username, password: 'demo-pass-123', displayName: `溯源测试${n}`, role: 'enterprise', enterpriseId: id,
  })
  assert.ok(created.status === 201 || created.status === 409 || created.status === 200, `create user: ${JSON.stringify(created.json)}`)
  return signIn({ user: username, pass: 'demo-pass-123' })
}

/** transfer moves STEP_GRAMS of code from one enterprise to the next in a bonded transfer. */
async function transfer(customs, from, to, code, line) {
  const draft = await ok(from.token, 'POST', '/document-drafts', {
    family: 'bonded_transfer', businessType: 'out',
    head: { counterpartyId: to.enterpriseId, accountBookNo: 'T2323W000001', note: 'E2E 穿行溯源' },
    lines: [{ ...line, seq: 1, traceCode: code, weightGrams: STEP_GRAMS, valueFen: line.unitPriceFen * STEP_GRAMS / 1000 }],
  })
  const out = await ok(from.token, 'POST', `/document-drafts/${draft.id}/declare`)
  await ok(customs.token, 'POST', `/documents/${out.id}/review`, { decision: 'approve', reason: '准予转出' })
  const incoming = await ok(to.token, 'GET', '/transfers/incoming')
  const mine = incoming.items.find((i) => i.outDocument.id === out.id)
  assert.ok(mine, `incoming transfer ${out.id} for ${to.user}`)
  const inDraft = await ok(to.token, 'GET', `/document-drafts/${mine.inDraftId}`)
  await ok(to.token, 'PUT', `/document-drafts/${mine.inDraftId}`, {
    family: inDraft.family, businessType: inDraft.businessType,
    head: { ...inDraft.head, accountBookNo: inDraft.head.accountBookNo || 'T2323W000002' }, lines: inDraft.lines,
  })
  const inLeg = await ok(to.token, 'POST', `/document-drafts/${mine.inDraftId}/declare`)
  await ok(customs.token, 'POST', `/documents/${inLeg.id}/review`, { decision: 'approve', reason: '转入核对无误' })
}

test('a batch that passed through six holders shows a flow graph of six enterprises', async (t) => {
  let code
  let chain
  let broken = ''
  const pages = []
  const step = (name, fn) => {
    if (broken) return t.test(name, { skip: `earlier step failed: ${broken}` }, () => {})
    return t.test(name, async () => {
      try {
        await fn()
      } catch (e) {
        broken = name
        for (const [i, p] of pages.entries()) await screenshot(p, `FAILED-${i}`).catch(() => {})
        throw e
      }
    })
  }

  await step('the batch goes ent-a → ent-b → four more enterprises through the API', async () => {
    const [a, b, customs, admin] = await Promise.all([signIn(ENT_A), signIn(ENT_B), signIn(CUSTOMS), signIn(ADMIN)])
    const balances = await ok(a.token, 'GET', '/balances?bonded=true')
    let line
    for (const bal of balances.items.filter((x) => x.weightGrams - x.reservedGrams >= STEP_GRAMS * HOLDERS)) {
      const h = await ok(customs.token, 'GET', `/trace-codes/${encodeURIComponent(bal.traceCode)}/history`)
      if (h.holders.length === 1) {
        code = bal.traceCode
        line = h.documents.find((d) => d.lines.length)?.lines[0]
        break
      }
    }
    assert.ok(code, `ent-a needs a bonded batch only it held; balances: ${JSON.stringify(balances.items)}`)
    const more = []
    const run = (Date.now() % 900) * 10 // four digits, new ones each run
    for (let n = 1; n <= HOLDERS - 2; n++) more.push(await registerHolder(admin, run + n))
    chain = [a, b, ...more]
    const { productName, hsCode, origin, unitPriceFen, currency } = line
    for (let i = 0; i + 1 < chain.length; i++) {
      await transfer(customs, chain[i], chain[i + 1], code, { productName, hsCode, origin, unitPriceFen, currency })
    }
  })

  await step('customs sees six enterprises in the flow graph, in the order the batch reached them', async () => {
    const customs = await login(browser, CUSTOMS)
    pages.push(customs)
    await customs.goto(`${BASE}/trace/${encodeURIComponent(code)}/history`)
    const graph = customs.locator('[data-test=trace-graph]')
    await graph.locator('svg').first().waitFor()
    assert.equal(await graph.getAttribute('data-nodes'), String(HOLDERS))
    assert.equal(await graph.getAttribute('data-edges'), String(HOLDERS - 1))
    // The SVG renderer draws every node's label: each enterprise's name.
    const labels = await graph.locator('svg text').allTextContents()
    const names = await customs.locator('[data-test=trace-holders] .el-table__body-wrapper .el-table__row td:first-child').allTextContents()
    assert.equal(names.length, HOLDERS)
    for (const name of names) assert.ok(labels.some((l) => l.includes(name.trim())), `node of ${name} in ${JSON.stringify(labels)}`)
    const path = await customs.locator('[data-test=trace-path] .el-tag').allTextContents()
    assert.deepEqual(path.map((s) => s.trim()), names.map((s) => s.trim()))
    await customs.locator('[data-test=trace-timeline]').waitFor()
    await screenshot(customs, 'customs-flow-graph')
  })

  await step('the transfers view keeps the five transfers', async () => {
    const customs = pages[0]
    await customs.locator('[data-test=trace-view] label', { hasText: '区内流转溯源' }).click()
    await customs.waitForURL((url) => url.searchParams.get('view') === 'transfers')
    await customs.locator('[data-test=trace-graph][data-edges="5"]').waitFor()
    await screenshot(customs, 'customs-transfers-view')
  })

  await step('the last holder sees the same graph, another enterprise is refused', async () => {
    const last = chain[chain.length - 1]
    const page = await login(browser, { user: last.user, pass: last.pass })
    pages.push(page)
    await page.goto(`${BASE}/trace/${encodeURIComponent(code)}/history`)
    await page.locator('[data-test=trace-graph] svg').first().waitFor()
    assert.equal(await page.locator('[data-test=trace-graph]').getAttribute('data-nodes'), String(HOLDERS))
    await screenshot(page, 'last-holder-flow-graph')
    const stranger = chain[chain.length - 2] // held it once: may see it
    assert.equal((await call(stranger.token, 'GET', `/trace-codes/${encodeURIComponent(code)}/history`)).status, 200)
    const outsider = await registerHolder(await signIn(ADMIN), (Date.now() % 900) * 10 + 9)
    assert.equal((await call(outsider.token, 'GET', `/trace-codes/${encodeURIComponent(code)}/history`)).status, 403)
  })
})
