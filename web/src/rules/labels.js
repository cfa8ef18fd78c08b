// Chinese labels of customs' rule configuration (chaincode/model/rules.go,
// ruleinput.go): declaration kinds, outcomes, tag targets, the validation
// models and their parameters, and the fields a condition can read.
import { FAMILIES, familyShort } from '../documents/labels.js'

export const KINDS = [
  { value: 'prefiling', label: '预核申报' },
  { value: 'supplement', label: '补录入' },
  { value: 'bonded_transfer', label: '保税区内流转' },
  { value: 'nonbonded_application', label: '非保税进出区申请' },
  { value: 'nonbonded_transfer', label: '非保税区内流转' },
  { value: 'gate_registration', label: '卡口登记' },
]

export const OUTCOMES = [
  { value: 'pass', label: '自动通过', type: 'success' },
  { value: 'return', label: '自动退单', type: 'danger' },
  { value: 'manual', label: '转人工审核', type: 'warning' },
]
const NONE = { value: 'none', label: '未命中规则（人工审核）', type: 'info' }

/** TARGETS are what a tag may be bound to: the prefiling and every document family. */
export const TARGETS = [{ value: 'prefiling', label: '预核申报' }, ...FAMILIES.map((f) => ({ value: f.value, label: f.short }))]

export const kindLabel = (k) => KINDS.find((x) => x.value === k)?.label || k || ''
export const outcomeInfo = (o) => [...OUTCOMES, NONE].find((x) => x.value === o) || { value: o, label: o || '', type: 'info' }
export const targetLabel = (t) => TARGETS.find((x) => x.value === t)?.label || familyShort(t)

// Model names for pages every role sees (tag chips); the rule pages take
// names and units from GET /rules/models (model.ModelSpecs).
const MODELS = {
  weight: '重量校验',
  price: '价格校验',
  origin: '原产地校验',
  quarantined: '已检疫校验',
  not_quarantined: '未检疫校验',
  quarantine_batch: '检疫批次号校验',
  high_value: '高价值校验',
  flow: '流向校验',
  tax: '税款征收校验',
}
export const modelLabel = (code) => MODELS[code] || code || ''

// Known parameters; others are named by their code and get their unit from
// its suffix (the chaincode names parameters by unit: …Grams, …Fen, …Permille, …Days).
const PARAMS = {
  toleranceGrams: '允许超出理论库存的重量',
  basis: '库存口径',
}
const UNITS = [
  [/Grams$/, '克'],
  [/Fen$/, '分'],
  [/Permille$/, '‰'],
  [/Days$/, '天'],
]
export const paramLabel = (name) => PARAMS[name] || name
export const paramUnit = (name) => UNITS.find(([re]) => re.test(name))?.[1] || ''

/** RULE_INPUT lists what a condition can read (model.RuleInput), with Chinese explanations. */
export const RULE_INPUT = [
  {
    group: '通用',
    fields: [
      ['kind', '文本', '申报类型：prefiling 预核申报、supplement 补录入、bonded_transfer 等单证类型'],
      ['enterpriseId', '文本', '申报企业的统一社会信用代码'],
      ['tags', '文本列表', '本次申报由校验模型打上的标签代码，例如 "WEIGHT_ANOMALY" in tags'],
    ],
  },
  {
    group: '预核申报（prefiling.*，补录入时为已审核通过的预核）',
    fields: [
      ['prefiling.commodity', '文本', '商品类别（coffee 咖啡）'],
      ['prefiling.productName', '文本', '商品名称'],
      ['prefiling.hsCode', '文本', 'HS 编码'],
      ['prefiling.origin', '文本', '原产国代码，例如 "BR" 巴西、"ET" 埃塞俄比亚'],
      ['prefiling.exporterName', '文本', '境外出口商'],
      ['prefiling.exporterRegNo', '文本', '出口商备案号'],
      ['prefiling.quarantineBatchNo', '文本', '检疫批次号'],
      ['prefiling.quarantineResult', '文本', '检疫结果：pending 待检疫、qualified 合格、unqualified 不合格'],
      ['prefiling.avgPriceFen', '整数（分）', '进口均价，单位分/千克'],
      ['prefiling.currency', '文本', '币制代码，例如 "CNY"、"USD"'],
      ['prefiling.weightGrams', '整数（克）', '申报重量'],
      ['prefiling.grade', '文本', '等级'],
      ['prefiling.plantingRegion', '文本', '种植产区'],
      ['prefiling.productionDate', '文本', '生产日期（YYYY-MM-DD）'],
      ['prefiling.shelfLifeDays', '整数（天）', '保质期'],
      ['prefiling.materialNo', '文本', '料号'],
      ['prefiling.batchNo', '文本', '批次号'],
      ['prefiling.entryDraftNo', '文本', '报关单草稿号'],
      ['prefiling.attachmentKinds', '文本列表', '随附单据种类，例如 len(prefiling.attachmentKinds) == 0'],
    ],
  },
  {
    group: '补录入（supplement.*）',
    fields: [
      ['supplement.quarantineBatchNo', '文本', '补录的检疫批次号'],
      ['supplement.quarantineResult', '文本', '补录的检疫结果'],
      ['supplement.quarantineDate', '文本', '检疫日期（YYYY-MM-DD）'],
      ['supplement.attachmentKinds', '文本列表', '补录的随附单据种类'],
    ],
  },
  {
    group: '单证表头（document.*）',
    fields: [
      ['document.family', '文本', '单证类型'],
      ['document.businessType', '文本', '业务类型：in/out/entry/exit 等'],
      ['document.counterpartyId', '文本', '对方企业信用代码（流转）'],
      ['document.linkedDocumentId', '文本', '关联单证编号'],
      ['document.accountBookNo', '文本', '账册号'],
      ['document.supervisionMode', '文本', '监管方式'],
      ['document.transportMode', '文本', '运输方式'],
      ['document.portCode', '文本', '口岸代码'],
      ['document.tradeCountry', '文本', '贸易国别'],
      ['document.owner', '文本', '货主'],
      ['document.carrier', '文本', '承运单位'],
      ['document.vehiclePlate', '文本', '车牌号'],
      ['document.plannedDate', '文本', '计划日期'],
      ['document.lineCount', '整数', '表体行数'],
      ['document.totalWeightGrams', '整数（克）', '表体总重量'],
      ['document.totalValueFen', '整数（分）', '表体总价值'],
    ],
  },
  {
    group: '单证表体（lines[] 的每一行，在 all/any/filter 中以 .字段 引用）',
    fields: [
      ['.traceCode', '文本', '溯源码'],
      ['.materialNo', '文本', '料号'],
      ['.productName', '文本', '商品名称'],
      ['.hsCode', '文本', 'HS 编码'],
      ['.origin', '文本', '原产国代码'],
      ['.weightGrams', '整数（克）', '重量'],
      ['.unitPriceFen', '整数（分）', '单价（分/千克）'],
      ['.valueFen', '整数（分）', '价值'],
      ['.currency', '文本', '币制'],
      ['.packages', '整数', '件数'],
    ],
  },
]

export const CONDITION_EXAMPLES = [
  ['prefiling.origin == "BR" && len(prefiling.attachmentKinds) == 0', '巴西原产且未附随附单据'],
  ['"WEIGHT_ANOMALY" in tags', '本次申报被打上重量异常标签'],
  ['all(lines, .weightGrams <= 500000)', '每行重量不超过 500 千克'],
  ['prefiling.weightGrams > 20000000 || prefiling.avgPriceFen < 3000', '重量超过 20 吨或均价低于 30 元/千克'],
]

const RULE_FIELDS = {
  id: '规则编号', kind: '申报类型', name: '规则名称', priority: '优先级', condition: '条件', outcome: '处理结果',
  opinion: '审核意见', enabled: '启用', start: '生效时间', stop: '失效时间',
}
const TAG_FIELDS = { code: '标签代码', nameZh: '中文名称', category: '分类', colour: '颜色', description: '说明' }

/**
 * ruleFieldLabel names an error path of a configuration write or a dry run,
 * e.g. "rules[2].condition" → "审核规则「名称」 条件", using cfg (the draft
 * sent) to name the entry.
 */
export function ruleFieldLabel(path, cfg) {
  const p = String(path || '')
  let m = /^rules\[(\d+)\]\.?(\w*)$/.exec(p)
  if (m) {
    const r = cfg?.rules?.[Number(m[1])]
    return `审核规则「${r?.name || r?.id || Number(m[1]) + 1}」${m[2] ? ' ' + (RULE_FIELDS[m[2]] || m[2]) : ''}`
  }
  m = /^rule\.(\w+)$/.exec(p)
  if (m) return RULE_FIELDS[m[1]] || m[1]
  m = /^tags\[(\d+)\]\.?(\w*)$/.exec(p)
  if (m) {
    const t = cfg?.tags?.[Number(m[1])]
    return `标签「${t?.nameZh || t?.code || Number(m[1]) + 1}」${m[2] ? ' ' + (TAG_FIELDS[m[2]] || m[2]) : ''}`
  }
  m = /^models\[(\d+)\]\.?(.*)$/.exec(p)
  if (m) {
    const md = cfg?.models?.[Number(m[1])]
    const pm = /params\[(\d+)\]/.exec(m[2])
    const param = pm ? md?.params?.[Number(pm[1])]?.name : ''
    return `校验模型「${modelLabel(md?.code)}」${param ? ' ' + paramLabel(param) : m[2] === 'tag' ? ' 标签' : ''}`
  }
  m = /^bindings\[(\d+)\]\.?(\w*)$/.exec(p)
  if (m) {
    const b = cfg?.bindings?.[Number(m[1])]
    return `标签适用范围（${b?.tag || ''} × ${targetLabel(b?.target)}）`
  }
  if (p === 'note') return '修改说明'
  if (p === 'limit') return '试运行单数'
  return p
}
