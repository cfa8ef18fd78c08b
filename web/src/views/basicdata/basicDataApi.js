// The trade platform's basic data (docs/api.md "Basic data"): five data
// sets kept by scheduled syncs and "sync now", and the sync log.
import { get, post } from '../../api/client.js'

const clean = (f) => Object.fromEntries(Object.entries(f || {}).filter(([, v]) => v))
export const listDataset = (dataset, filter, page, pageSize) =>
  get(`/basic-data/sets/${encodeURIComponent(dataset)}`, { ...clean(filter), page, pageSize })
export const listSyncs = (page, pageSize) => get('/basic-data/syncs', { page, pageSize })
export const getSync = (id) => get(`/basic-data/syncs/${encodeURIComponent(id)}`)
export const syncNow = () => post('/basic-data/syncs')

const BOOK_TYPES = { bonded: '保税账册', processing: '加工贸易账册' }
const BOOK_STATUS = { active: '正常', suspended: '暂停', closed: '已核销' }
const SUPPLIER_STATUS = { active: '有效', inactive: '停用' }
const DIRECTIONS = { import: '进口', export: '出口' }

// The data sets in menu order: route, API name, title and columns
// ({ label, value(record.data) }).
export const DATASETS = [
  {
    route: 'suppliers', name: 'suppliers', title: '供应商关系',
    columns: [
      { label: '企业统一社会信用代码', value: (d) => d.enterpriseId },
      { label: '供应商编码', value: (d) => d.supplierCode },
      { label: '供应商名称', value: (d) => d.supplierName },
      { label: '国别（地区）', value: (d) => d.country || '' },
      { label: '状态', value: (d) => SUPPLIER_STATUS[d.status] || d.status },
    ],
  },
  {
    route: 'enterprises', name: 'enterprises', title: '企业信息',
    columns: [
      { label: '统一社会信用代码', value: (d) => d.creditCode },
      { label: '海关编码', value: (d) => d.customsCode || '' },
      { label: '企业名称', value: (d) => d.name },
      { label: '企业类型', value: (d) => d.type },
      { label: '联系人', value: (d) => d.contact || '' },
      { label: '联系电话', value: (d) => d.phone || '' },
    ],
  },
  {
    route: 'hs-codes', name: 'hs_codes', title: '商品编码',
    columns: [
      { label: '商品编码', value: (d) => d.code },
      { label: '商品名称', value: (d) => d.name },
      { label: '法定计量单位', value: (d) => d.unit },
      { label: '生效日期', value: (d) => d.validFrom },
      { label: '失效日期', value: (d) => d.validTo || '长期有效' },
    ],
  },
  {
    route: 'account-books', name: 'account_books', title: '账册',
    columns: [
      { label: '账册号', value: (d) => d.number },
      { label: '企业统一社会信用代码', value: (d) => d.enterpriseId },
      { label: '账册类型', value: (d) => BOOK_TYPES[d.type] || d.type },
      { label: '有效期', value: (d) => `${d.validFrom} 至 ${d.validTo}` },
      { label: '状态', value: (d) => BOOK_STATUS[d.status] || d.status },
    ],
  },
  {
    route: 'declarations', name: 'declarations', title: '报关单',
    columns: [
      { label: '报关单号', value: (d) => d.number },
      { label: '企业统一社会信用代码', value: (d) => d.enterpriseId },
      { label: '进出口', value: (d) => DIRECTIONS[d.direction] || d.direction },
      { label: '申报日期', value: (d) => d.date },
      { label: '商品项数', value: (d) => String((d.lines || []).length) },
      { label: '商品', value: (d) => (d.lines || []).map((l) => `${l.hsCode} ${l.name}`).join('；') },
    ],
  },
]

export const datasetTitle = (name) => DATASETS.find((d) => d.name === name)?.title || name

export const SYNC_STATES = {
  queued: { label: '排队中', type: 'info' },
  running: { label: '同步中', type: 'warning' },
  done: { label: '已完成', type: 'success' },
  failed: { label: '部分失败', type: 'danger' },
}
export const TRIGGERS = { manual: '手动同步', schedule: '定时同步' }
export const REFUSALS = {
  unreadable: '文件不完整或格式错误，已移入 failed 目录',
  invalid_records: '记录校验未通过，整批未导入',
}
