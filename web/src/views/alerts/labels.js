// Chinese names of the risk alerts and their disposal (chaincode/model
// risk.go, disposal.go) and the wording of each kind's facts. The pages
// prefer the names GET /alerts/disposal-options sends; these are the same
// tables for the list, which shows before the options arrive.
import { commodityLabel, countryName, quarantineLabel } from '../../labels.js'
import { fenToYuan, formatTime } from '../../units.js'
import { ruleFieldLabel } from '../../rules/labels.js'

export const KINDS = [
  { value: 'long_storage', label: '超期存储' },
  { value: 'high_risk', label: '高风险货物' },
  { value: 'high_value', label: '高价值货物' },
  { value: 'price_difference', label: '价格差异' },
  { value: 'quarantine', label: '检疫异常' },
]

export const STATES = [
  { value: 'open', label: '待研判', type: 'danger' },
  { value: 'assessed', label: '已定级', type: 'warning' },
  { value: 'disposed', label: '已处置', type: 'primary' },
  { value: 'closed', label: '已办结', type: 'success' },
]

export const LEVELS = [
  { value: 'low', label: '低风险', type: 'success', colour: '#67c23a' },
  { value: 'medium', label: '中风险', type: 'warning', colour: '#e6a23c' },
  { value: 'high', label: '高风险', type: 'danger', colour: '#f56c6c' },
]

export const TYPES = [
  { value: 'release', label: '排除风险放行' },
  { value: 'inspect', label: '布控查验' },
  { value: 'hold', label: '暂停业务' },
  { value: 'return', label: '责令退运' },
  { value: 'destroy', label: '监督销毁' },
  { value: 'transfer', label: '移交缉私/稽查' },
  { value: 'other', label: '其他' },
]

/** GRADES of probability, impact and urgency (model.GradeZh). */
export const GRADES = [
  { value: 1, label: '低' },
  { value: 2, label: '中' },
  { value: 3, label: '高' },
]

const find = (list, v) => list.find((x) => x.value === v)
export const kindLabel = (v) => find(KINDS, v)?.label || v || ''
export const stateInfo = (v) => find(STATES, v) || { value: v, label: v || '', type: 'info' }
export const levelInfo = (v) => find(LEVELS, v) || { value: v, label: v || '', type: 'info', colour: '#909399' }
export const typeLabel = (v) => find(TYPES, v)?.label || v || ''
export const gradeLabel = (g) => find(GRADES, Number(g))?.label || String(g ?? '')

/** optionsList turns the options' [{code,nameZh}] into [{value,label}], falling back to list. */
export function optionsList(items, list) {
  if (!Array.isArray(items) || !items.length) return list
  return items.map((x) => ({ ...(find(list, x.code) || {}), value: x.code, label: x.nameZh || find(list, x.code)?.label || x.code }))
}

/** percent shows a permille as a percentage: 125 → "12.5%". */
export const percent = (permille) => (permille === undefined || permille === null ? '' : `${Number(permille) / 10}%`)

const price = (fen) => `${fenToYuan(fen)} 元/千克`

// How far a price departs from a reference, in percent with one decimal.
function departure(priceFen, referenceFen) {
  if (!referenceFen) return ''
  return `${(Math.abs(Number(priceFen) - Number(referenceFen)) * 100 / Number(referenceFen)).toFixed(1)}%`
}

const HIGH_RISK_FIELDS = { origin: '原产地', hsCode: '商品编码', productName: '品名' }

/** factRows are an alert's facts as [{label, value}] in Chinese, per kind. */
export function factRows(alert) {
  const f = alert?.facts || {}
  switch (alert?.kind) {
    case 'long_storage':
      return [
        { label: '商品类别', value: commodityLabel(f.commodity) },
        { label: '入区时间', value: formatTime(f.since) },
        { label: '已存储天数', value: `${f.days} 天` },
        { label: '最长存储天数', value: `${f.maxDays} 天` },
        { label: '超出天数', value: `${Number(f.days) - Number(f.maxDays)} 天` },
      ]
    case 'high_risk':
      return [
        { label: '命中名单', value: `高风险${HIGH_RISK_FIELDS[f.field] || f.field}：${f.field === 'origin' ? `${countryName(f.listed)}（${f.listed}）` : f.listed}` },
        { label: '原产地', value: f.origin ? `${countryName(f.origin)}（${f.origin}）` : '' },
        { label: '商品编码', value: f.hsCode },
        { label: '品名', value: f.productName },
      ]
    case 'high_value':
      return [
        { label: '申报均价', value: price(f.avgPriceFen) },
        { label: '参考均价', value: `${price(f.referencePriceFen)}（前 ${f.periodDays} 天同原产地、同商品编码批次的加权平均）` },
        { label: '高出参考价', value: departure(f.avgPriceFen, f.referencePriceFen) },
        { label: '预警阈值', value: `高于参考价 ${percent(f.thresholdPermille)}` },
      ]
    case 'price_difference':
      return [
        { label: '溯源码', value: f.traceCode },
        { label: '表体行号', value: String(f.lineSeq ?? '') },
        { label: '申报单价', value: price(f.unitPriceFen) },
        { label: '入区均价', value: price(f.entryPriceFen) },
        { label: f.side === 'low' ? '低于入区均价' : '高于入区均价', value: departure(f.unitPriceFen, f.entryPriceFen) },
        { label: '预警阈值', value: `高于 ${f.highPermille ? percent(f.highPermille) : '不预警'}，低于 ${f.lowPermille ? percent(f.lowPermille) : '不预警'}` },
      ]
    case 'quarantine':
      return [
        { label: '预警原因', value: f.reason === 'unqualified' ? '检疫结果不合格' : f.reason === 'no_certificate' ? '已检疫批次未上传检疫证书' : f.reason },
        { label: '检疫结果', value: quarantineLabel(f.quarantineResult) },
        { label: '检疫证书', value: f.hasCertificate ? '已上传' : '未上传' },
      ]
    default:
      return Object.keys(f).sort().map((k) => ({ label: k, value: String(f[k]) }))
  }
}

/** factSummary is one line for a table cell. */
export function factSummary(alert) {
  const f = alert?.facts || {}
  switch (alert?.kind) {
    case 'long_storage':
      return `已存储 ${f.days} 天，超过 ${f.maxDays} 天期限`
    case 'high_risk':
      return `高风险${HIGH_RISK_FIELDS[f.field] || f.field}：${f.field === 'origin' ? countryName(f.listed) : f.listed}`
    case 'high_value':
      return `均价 ${price(f.avgPriceFen)}，高出参考价 ${departure(f.avgPriceFen, f.referencePriceFen)}`
    case 'price_difference':
      return `第 ${f.lineSeq} 行单价${f.side === 'low' ? '低于' : '高于'}入区均价 ${departure(f.unitPriceFen, f.entryPriceFen)}`
    case 'quarantine':
      return f.reason === 'unqualified' ? '检疫结果不合格' : '未上传检疫证书'
    default:
      return ''
  }
}

const SUBJECT_TYPES = { trace_code: '溯源码', document: '单证', enterprise: '企业' }
export const subjectTypeLabel = (v) => SUBJECT_TYPES[v] || v || ''

/** subjectRoute is where an alert's subject shows, or null. */
export function subjectRoute(a) {
  if (a?.subjectType === 'trace_code') return { name: 'trace-history', params: { code: a.subject } }
  if (a?.subjectType === 'document') return { name: 'document', params: { id: a.subject } }
  return null
}

const RISK_FIELDS = {
  'longStorage.defaultMaxDays': '超期存储：默认最长存储天数',
  'longStorage.limits': '超期存储：按商品类别的期限',
  'highRisk.origins': '高风险货物：原产地',
  'highRisk.hsCodes': '高风险货物：商品编码范围',
  'highRisk.productNames': '高风险货物：品名',
  'highValue.periodDays': '高价值货物：参考期天数',
  'highValue.thresholdPermille': '高价值货物：高出参考价阈值',
  'priceDifference.highPermille': '价格差异：高于入区均价阈值',
  'priceDifference.lowPermille': '价格差异：低于入区均价阈值',
  'disposal.templates': '处置意见模板',
}
const TEMPLATE_FIELDS = { id: '编号', title: '标题', text: '意见内容', kinds: '适用预警类型', type: '建议处置类型' }
const LIMIT_FIELDS = { commodity: '商品类别', maxDays: '最长存储天数' }

/**
 * riskFieldLabel names an error path of the risk section, e.g.
 * "risk.disposal.matrix[2][1][0]" → "定级矩阵（紧急程度高、发生概率中、影响程度低）",
 * using cfg (the draft sent) to name templates; other paths as the rule pages do.
 */
export function riskFieldLabel(path, cfg) {
  const p = String(path || '')
  if (!p.startsWith('risk.')) return ruleFieldLabel(p, cfg)
  const rest = p.slice(5)
  let m = /^disposal\.matrix\[(\d)\]\[(\d)\]\[(\d)\]$/.exec(rest)
  if (m) return `定级矩阵（紧急程度${gradeLabel(+m[1] + 1)}、发生概率${gradeLabel(+m[2] + 1)}、影响程度${gradeLabel(+m[3] + 1)}）`
  m = /^disposal\.templates\[(\d+)\]\.(\w+)/.exec(rest)
  if (m) {
    const t = cfg?.risk?.disposal?.templates?.[Number(m[1])]
    return `处置意见模板「${t?.title || t?.id || Number(m[1]) + 1}」${TEMPLATE_FIELDS[m[2]] || m[2]}`
  }
  m = /^longStorage\.limits\[(\d+)\]\.(\w+)$/.exec(rest)
  if (m) return `超期存储：第${Number(m[1]) + 1}条期限的${LIMIT_FIELDS[m[2]] || m[2]}`
  m = /^highRisk\.(origins|hsCodes|productNames)\[(\d+)\]/.exec(rest)
  if (m) return `${RISK_FIELDS['highRisk.' + m[1]]}第${Number(m[2]) + 1}项`
  return RISK_FIELDS[rest] || p
}
