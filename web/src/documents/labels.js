// Chinese labels for the document model (chaincode/model/document.go) and the
// rules the pages need about it: which family is reviewed where, which
// business types cross the zone gate.

export const FAMILIES = [
  { value: 'warehouse_receipt', label: '集报出入库单', short: '集报出入库' },
  { value: 'bonded_transfer', label: '保税区内流转出入库单', short: '保税区内流转' },
  { value: 'nonbonded_application', label: '非保税进出区申请单', short: '非保税进出区' },
  { value: 'nonbonded_transfer', label: '非保税区内流转单/形式放行单', short: '非保税区内流转' },
  { value: 'checklist', label: '核注清单', short: '核注清单' },
  { value: 'gate_registration', label: '便捷进出区/卡口登记', short: '卡口登记' },
]

// Business types per family, in the order of chaincode/contract/API.md.
const BUSINESS = {
  warehouse_receipt: { in: '入库', out: '出库' },
  bonded_transfer: { out: '转出', in: '转入' },
  nonbonded_application: { entry: '进区', exit: '出区' },
  nonbonded_transfer: { out: '转出', in: '形式放行' },
  checklist: { entry: '进区', exit: '出区', consolidated: '集报清单', transfer: '区内流转清单', conversion: '保税转非保税' },
  gate_registration: { entry: '进区', exit: '出区' },
}

export const DOC_STATUS = {
  declared: { label: '已申报', type: 'primary' },
  manual_review: { label: '转人工审核', type: 'warning' },
  approved: { label: '审核通过', type: 'success' },
  returned: { label: '退单', type: 'danger' },
  effective: { label: '已生效', type: 'success' },
  deletion_requested: { label: '删单申请中', type: 'warning' },
  voided: { label: '已删单', type: 'info' },
}

const ACTIONS = {
  declare: '申报',
  approve: '审核通过',
  return: '退单',
  manual_review: '转人工审核',
  receipt: '回执',
  gate_pass: '卡口过卡',
  effective: '生效',
  request_deletion: '删单申请',
  confirm_deletion: '确认删单',
  approve_deletion: '删单审核通过',
  reject_deletion: '删单审核驳回',
  void: '删单',
  tag: '手工打标',
  untag: '移除标签',
  amend: '海关变更',
  consolidate: '集报',
  // a prefiling's receipts (family "prefiling")
  supplement_approve: '补录入审核通过',
  supplement_return: '补录入退单',
}

const MOVEMENTS = {
  zone_entry: '进区',
  zone_exit: '出区',
  transfer: '区内流转',
  conversion: '保税转非保税',
  reversal: '删单冲回',
}

// Head fields of model.DocumentHead with their Chinese names, in form order.
export const HEAD_FIELDS = [
  { key: 'counterpartyId', label: '对方企业', placeholder: '输入企业名称或信用代码查找' },
  { key: 'linkedDocumentId', label: '关联转出单号' },
  { key: 'accountBookNo', label: '账册号', placeholder: '如：T2323W000001' },
  { key: 'supervisionMode', label: '监管方式', placeholder: '如：1200 保税间货物' },
  { key: 'transportMode', label: '运输方式', placeholder: '如：9 其他' },
  { key: 'portCode', label: '进出境关别', placeholder: '如：2323' },
  { key: 'tradeCountry', label: '起运/运抵国', kind: 'country' },
  { key: 'owner', label: '货主' },
  { key: 'carrier', label: '承运人' },
  { key: 'vehiclePlate', label: '车牌号' },
  { key: 'plannedDate', label: '计划日期', kind: 'date' },
  { key: 'note', label: '备注', kind: 'textarea' },
]

const LINE_FIELDS = {
  traceCode: '溯源码',
  materialNo: '料号',
  productName: '商品品名',
  hsCode: 'HS编码',
  origin: '原产地',
  weightGrams: '重量',
  unitPriceFen: '单价',
  valueFen: '总价',
  currency: '币制',
  packages: '件数',
}

// Families approved in customs' external systems (receipts come back as
// INV201 / SAS211 / SAS221); the rest are reviewed on this platform.
const EXTERNALLY_REVIEWED = ['warehouse_receipt', 'checklist', 'gate_registration']

// Business types whose goods cross the zone gate (gate pass needed).
const GATE = {
  warehouse_receipt: ['in', 'out'],
  checklist: ['entry', 'exit'],
  nonbonded_application: ['entry', 'exit'],
  gate_registration: ['entry', 'exit'],
}

const TRANSFER_FAMILIES = ['bonded_transfer', 'nonbonded_transfer']

export const familyLabel = (f) => FAMILIES.find((x) => x.value === f)?.label || f || ''
export const familyShort = (f) => FAMILIES.find((x) => x.value === f)?.short || f || ''
export const businessTypes = (f) => Object.entries(BUSINESS[f] || {}).map(([value, label]) => ({ value, label }))
export const businessLabel = (f, b) => BUSINESS[f]?.[b] || b || ''
export const docStatus = (s) => DOC_STATUS[s] || { label: s || '', type: 'info' }
export const docActionLabel = (a) => ACTIONS[a] || a || ''
export const movementLabel = (k) => MOVEMENTS[k] || k || ''
export const reviewedOnPlatform = (f) => !!f && !EXTERNALLY_REVIEWED.includes(f)
export const crossesGate = (f, b) => !!GATE[f]?.includes(b)
export const isTransfer = (f) => TRANSFER_FAMILIES.includes(f)
/** isTransferOut is an out leg naming a transferee. */
export const isTransferOut = (f, b) => isTransfer(f) && b === 'out'
/** declareLabel is the declare button's wording: the in leg of a non-bonded transfer is the formal release. */
export function declareLabel(f, b) {
  if (f === 'nonbonded_transfer' && b === 'in') return '申报形式放行'
  if (isTransfer(f) && b === 'in') return '申报转入'
  return '一键申报'
}

/** docFieldLabel names an error path such as "lines[3].traceCode" or "head.owner". */
export function docFieldLabel(path) {
  const p = String(path || '')
  const line = /^lines\[(\d+)\]\.?(\w*)/.exec(p)
  if (line) return `第 ${Number(line[1]) + 1} 行${line[2] ? ' ' + (LINE_FIELDS[line[2]] || line[2]) : ''}`
  const head = /^(?:head\.)?(\w+)$/.exec(p)
  const hf = head && HEAD_FIELDS.find((h) => h.key === head[1])
  if (hf) return hf.label
  if (p === 'lines') return '表体'
  return p
}

/** lineErrorKey parses "lines[3].traceCode" into {index: 3, field: "traceCode"}; null otherwise. */
export function lineErrorKey(path) {
  const m = /^lines\[(\d+)\](?:\.(\w+))?/.exec(String(path || ''))
  return m ? { index: Number(m[1]), field: m[2] || '' } : null
}
