// Chinese labels for the enums of chaincode/model and docs/api.md.

export const ROLE_LABELS = {
  enterprise: '企业用户',
  customs_officer: '海关关员',
  customs_admin: '海关管理员',
  zone_admin: '综保区管理员',
  auditor: '审计员',
}

// Chain roles recorded on history steps (model.Role).
const ACTOR_ROLE_LABELS = {
  enterprise: '企业',
  customs: '海关',
  zone_admin: '综保区管理',
  auditor: '审计',
}

export const STATUS = {
  declared: { label: '已申报', type: 'primary' },
  approved: { label: '审核通过', type: 'success' },
  returned: { label: '退单', type: 'danger' },
}

export const SUPPLEMENT_STATUS = {
  declared: { label: '补录入已申报', type: 'primary' },
  approved: { label: '补录入审核通过', type: 'success' },
  returned: { label: '退单（补录入）', type: 'danger' },
}

const ACTION_LABELS = {
  declare: '预核申报',
  approve: '审核通过',
  return: '退单',
  supplement_declare: '补录入申报',
  supplement_approve: '补录入审核通过',
  supplement_return: '退单（补录入）',
  rule_manual_review: '规则转人工审核',
}

export const QUARANTINE_RESULTS = [
  { value: 'pending', label: '待检疫' },
  { value: 'qualified', label: '合格' },
  { value: 'unqualified', label: '不合格' },
]

export const CURRENCIES = [
  { value: 'CNY', label: 'CNY 人民币' },
  { value: 'USD', label: 'USD 美元' },
  { value: 'EUR', label: 'EUR 欧元' },
]

export const COMMODITIES = [{ value: 'coffee', label: '咖啡' }]

export const ATTACHMENT_KINDS = [
  { value: 'origin_certificate', label: '原产地证' },
  { value: 'quarantine_certificate', label: '检疫证书' },
  { value: 'other', label: '其他' },
]

export const ENTERPRISE_KINDS = [
  { value: 'importer', label: '进口商' },
  { value: 'warehouse', label: '仓储企业' },
  { value: 'trader', label: '贸易商' },
  { value: 'processor', label: '加工企业' },
  { value: 'logistics', label: '物流企业' },
]

// ISO 3166-1 alpha-2 origins: the coffee-growing countries first.
export const COUNTRIES = [
  ['BR', '巴西'], ['CO', '哥伦比亚'], ['ET', '埃塞俄比亚'], ['VN', '越南'],
  ['ID', '印度尼西亚'], ['GT', '危地马拉'], ['HN', '洪都拉斯'], ['KE', '肯尼亚'],
  ['PE', '秘鲁'], ['MX', '墨西哥'], ['CR', '哥斯达黎加'], ['YE', '也门'],
  ['UG', '乌干达'], ['JM', '牙买加'], ['PA', '巴拿马'], ['IN', '印度'],
  ['CN', '中国'], ['RW', '卢旺达'], ['BI', '布隆迪'], ['TZ', '坦桑尼亚'],
  ['NI', '尼加拉瓜'], ['SV', '萨尔瓦多'], ['EC', '厄瓜多尔'], ['BO', '玻利维亚'],
  ['PG', '巴布亚新几内亚'], ['LA', '老挝'], ['TH', '泰国'], ['US', '美国'],
].map(([value, name]) => ({ value, label: `${name}（${value}）`, name }))

const byValue = (list) => Object.fromEntries(list.map((x) => [x.value, x.label]))
const countryNames = Object.fromEntries(COUNTRIES.map((c) => [c.value, c.name]))

/** label helpers return the code itself for values the app does not know. */
export const countryName = (code) => (code ? countryNames[code] || code : '')
export const quarantineLabel = (v) => byValue(QUARANTINE_RESULTS)[v] || v || ''
export const commodityLabel = (v) => byValue(COMMODITIES)[v] || v || ''
export const attachmentKindLabel = (v) => byValue(ATTACHMENT_KINDS)[v] || v || ''
export const enterpriseKindLabel = (v) => byValue(ENTERPRISE_KINDS)[v] || v || ''
export const roleLabel = (v) => ROLE_LABELS[v] || v || ''
export const actorRoleLabel = (v) => ACTOR_ROLE_LABELS[v] || v || ''

// Who acted on a history step: the person and their role for a personal
// certificate (userId, userRole), else the shared identity's name and the
// organisation's role.
export function actorText(a) {
  if (!a) return ''
  if (a.userId) return `${a.userId}（${roleLabel(a.userRole)}）`
  return a.role ? `${a.name || ''}（${actorRoleLabel(a.role)}）` : a.name || ''
}
// Who made a history step: the review rule that decided it automatically,
// or the person (or organisation) who acted.
export function stepActorText(s) {
  if (s?.decidedBy) return `自动审核规则 ${s.decidedBy.ruleId}（规则配置第${s.decidedBy.configVersion}版）`
  return actorText(s?.actor)
}
export const actionLabel = (v) => ACTION_LABELS[v] || v || ''

// Chinese names of PrefilingData / SupplementData fields, for forms and for
// the field paths in 422 error details ("data.weightGrams").
const FIELD_LABELS = {
  commodity: '商品类别',
  productName: '商品品名',
  hsCode: 'HS编码',
  origin: '原产地',
  exporterName: '境外出口商',
  exporterRegNo: '出口商备案号',
  quarantineBatchNo: '检疫批次号',
  quarantineResult: '检疫结果',
  quarantineDate: '检疫日期',
  avgPriceFen: '进口均价',
  currency: '币制',
  weightGrams: '重量',
  grade: '品级',
  plantingRegion: '种植地',
  productionDate: '生产日期',
  shelfLifeDays: '保质期',
  materialNo: '料号',
  batchNo: '批次号',
  entryDraftNo: '关联入区草单号',
  attachments: '附件',
  note: '备注',
  reason: '原因',
}

/** fieldLabel names a field path such as "data.attachments[0].sha256". */
export function fieldLabel(path) {
  const parts = String(path || '').replace(/^(data|supplement)\./, '').split('.')
  const head = parts[0].replace(/\[\d+\]$/, '')
  return FIELD_LABELS[head] ? [FIELD_LABELS[head], ...parts.slice(1)].join('.') : path
}
