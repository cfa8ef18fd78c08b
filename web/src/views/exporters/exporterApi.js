// The foreign exporter registry and the exporter claims (docs/api.md
// "Foreign exporter registry"): customs keep the registry (crawl, Excel
// import, manual edits) and decide pending claims; enterprises see their
// own claims.
import { get, post, put, request } from '../../api/client.js'

const clean = (f) => Object.fromEntries(Object.entries(f || {}).filter(([, v]) => v !== '' && v != null))

export const listExporters = (filter, page, pageSize) => get('/exporters', { ...clean(filter), page, pageSize })
export const getExporter = (id) => get(`/exporters/${id}`)
export const createExporter = (entry) => post('/exporters', entry)
export const updateExporter = (id, entry, note) => put(`/exporters/${id}`, { ...entry, note })
export const suspendExporter = (id, reason) => post(`/exporters/${id}/suspend`, { reason })
export function importExporters(file) {
  const form = new FormData()
  form.append('file', file)
  return post('/exporters/import', form)
}
export const exporterTemplate = () => request('GET', '/exporters/template.xlsx', { blob: true })
export const listCrawls = () => get('/exporters/crawls')
export const crawlNow = () => post('/exporters/crawls')

export const listClaims = (filter, page, pageSize) => get('/exporter-claims', { ...clean(filter), page, pageSize })
export const getClaim = (id) => get(`/exporter-claims/${id}`)
export const confirmClaim = (id, exporterId, reason) => post(`/exporter-claims/${id}/confirm`, { exporterId, reason })
export const rejectClaim = (id, reason) => post(`/exporter-claims/${id}/reject`, { reason })

export const EXPORTER_STATUS = [
  { value: 'valid', label: '有效', type: 'success' },
  { value: 'expired', label: '已过期', type: 'warning' },
  { value: 'suspended', label: '暂停', type: 'danger' },
  { value: 'cancelled', label: '注销', type: 'info' },
]
export const exporterStatus = (v) => EXPORTER_STATUS.find((s) => s.value === v) || { label: v, type: 'info' }

export const SOURCES = { crawl: '网站爬取', import: 'Excel导入', manual: '人工维护', expiry: '到期检查' }

export const CLAIM_STATUS = [
  { value: 'pending', label: '待确认', type: 'warning' },
  { value: 'confirmed', label: '已确认', type: 'success' },
  { value: 'rejected', label: '已驳回', type: 'danger' },
]
export const claimStatus = (v) => CLAIM_STATUS.find((s) => s.value === v) || { label: v, type: 'info' }

export const FINDINGS = {
  matched: '与备案库一致，自动确认',
  no_reg_no: '未填写备案号',
  not_found: '备案库中无此备案号',
  name_mismatch: '备案号与企业名称不符',
  expired: '申报日备案已过期',
  not_valid: '备案已暂停或注销',
}

export const FIELD_LABELS = {
  regNo: '在华注册编号', name: '企业名称', country: '国家(地区)', products: '产品类别',
  registeredOn: '注册日期', expiresOn: '有效期至', status: '注册状态',
}

/** fieldValue shows a history value in Chinese. */
export const fieldValue = (field, v) => (field === 'status' && v ? exporterStatus(v).label : v || '（空）')
