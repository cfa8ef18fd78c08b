// Notifications of every source (docs/api.md, "Notifications"): the
// settings of the own subscriptions and the live stream of new inbox rows.
import { API, get, put } from './client.js'
import { session } from './session.js'

export const getNotificationSettings = () => get('/notification-subscriptions')
export const saveNotificationSettings = (settings) => put('/notification-subscriptions', settings)

// Kinds of the risk alert engine, in the settings page's order (the same
// table as chaincode/model.AlertKindZh for e-mails).
export const KIND_LABELS = {
  long_storage: '超期存储',
  high_risk: '高风险货物',
  high_value: '高价值货物',
  price_difference: '价格差异',
  quarantine: '检疫异常',
  exporter_expiring: '出口商备案即将到期',
}

export const CHANNEL_LABELS = {
  inapp: '站内通知',
  email: '电子邮件',
  webhook: '回调推送',
  sms: '短信',
  im: '即时通讯',
}

export const SEVERITY_LABELS = { info: '提示', warning: '警告', critical: '严重' }

// Facts the producers put in params, named in Chinese; others show their key.
const PARAM_LABELS = {
  days: '已存储天数', maxDays: '最长存储天数', category: '货物类别', origin: '原产地', hsCode: '商品编码',
  productName: '品名', priceFen: '申报单价（分）', referencePriceFen: '参考单价（分）', percent: '偏离比例（%）',
  thresholdPercent: '阈值（%）', documentId: '单证编号', enterpriseId: '企业编号', traceCode: '追溯码',
  certificate: '检疫证书', reason: '原因', regNo: '备案号', exporterName: '出口商', expiresOn: '有效期至',
}

// Chinese wording of a message, built from its kind, subject and params.
export function messageText(m) {
  const facts = Object.keys(m?.params || {}).sort()
    .map((k) => `${PARAM_LABELS[k] || k}：${m.params[k]}`)
  return [`对象 ${m?.subject || ''}`, ...facts].join('，')
}

// watchNotifications follows GET /notifications/stream (Server-Sent
// Events; fetch, as EventSource cannot send the bearer token) and calls
// onEvent for each new notification. It reconnects after a drop and
// returns a function that stops it. onState(true|false) tells whether the
// stream is up, so the caller polls while it is not.
export function watchNotifications(onEvent, onState = () => {}) {
  const controller = new AbortController()
  let stopped = false
  async function run() {
    while (!stopped) {
      try {
        const res = await fetch(API + '/notifications/stream', {
          headers: { Accept: 'text/event-stream', Authorization: `Bearer ${session.token}` },
          signal: controller.signal,
        })
        if (!res.ok || !res.body) throw new Error(`stream ${res.status}`)
        onState(true)
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        let buf = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buf += value
          let end
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end)
            buf = buf.slice(end + 2)
            const data = block.split('\n').find((l) => l.startsWith('data: '))
            if (block.includes('event: notification') && data) {
              try { onEvent(JSON.parse(data.slice(6))) } catch { /* a malformed event: the next poll catches up */ }
            }
          }
        }
      } catch {
        if (stopped) return
      }
      onState(false)
      if (!stopped) await new Promise((r) => setTimeout(r, 5000))
    }
  }
  run()
  return () => {
    stopped = true
    controller.abort()
  }
}
