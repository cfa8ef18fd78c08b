// Measures the first load (issue 10, docs/benchmarks.md "First load"): a
// cold browser opens the login page, then signs in and opens the document
// list; for each step it sums what crossed the network (bodies as sent,
// compressed or not, plus headers) and what that unpacks to, by kind.
// Not a test: run it against a running gateway and copy the figures.
//   ZT_URL=https://127.0.0.1:8080 node e2e/first-load.mjs
import { BASE, credentials, launch } from './session.mjs'

const ENT_A = credentials('ENTERPRISE', 'ent-a')
const browser = await launch()
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', ignoreHTTPSErrors: true })
const page = await context.newPage()
// Each finished request is measured asynchronously; a step's total waits
// for all measures started so far.
const pending = []
page.on('requestfinished', (req) => {
  pending.push((async () => {
    const res = await req.response()
    const sizes = await req.sizes()
    const body = res ? await res.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0)
    return {
      url: req.url().replace(BASE, ''), kind: req.resourceType(), encoding: res?.headers()['content-encoding'] || '',
      transferred: sizes.responseBodySize + sizes.responseHeadersSize, unpacked: body.length,
    }
  })())
})

async function total() {
  const list = await Promise.all(pending)
  const sum = { requests: list.length, transferred: 0, unpacked: 0, scriptTransferred: 0, scriptUnpacked: 0, styleTransferred: 0 }
  for (const r of list) {
    sum.transferred += r.transferred
    sum.unpacked += r.unpacked
    if (r.kind === 'script') {
      sum.scriptTransferred += r.transferred
      sum.scriptUnpacked += r.unpacked
    }
    if (r.kind === 'stylesheet') sum.styleTransferred += r.transferred
  }
  return { sum, list }
}

await page.goto(`${BASE}/login`, { waitUntil: 'networkidle' })
console.log(JSON.stringify({ step: 'login page', ...(await total()).sum }))
await page.locator('[data-test=login-username]').fill(ENT_A.user)
await page.locator('[data-test=login-password]').fill(ENT_A.pass)
await page.locator('[data-test=login-submit]').click()
await page.waitForURL((url) => !url.pathname.startsWith('/login'))
await page.locator('[data-test=nav-documents]').click()
await page.waitForURL((url) => url.pathname === '/documents')
await page.locator('[data-test=document-table] .el-table__row').first().waitFor()
await page.waitForLoadState('networkidle')
const { sum, list } = await total()
console.log(JSON.stringify({ step: 'login page, sign in, document list (cumulative)', ...sum }))
for (const r of list) console.error(`${r.kind}\t${r.encoding || '-'}\t${r.transferred}\t${r.unpacked}\t${r.url}`)
await browser.close()
