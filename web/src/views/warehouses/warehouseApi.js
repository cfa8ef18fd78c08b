// The warehouse operators' records (docs/api.md "Warehouses"): WMS/ERP
// feeds, storage locations with their versions, and the reconciliation of
// the WMS stock with the ledger's balances.
import { get, post, put, request } from '../../api/client.js'

const id = encodeURIComponent
const scope = (enterpriseId) => (enterpriseId ? { enterpriseId } : undefined)

export const listLocations = (enterpriseId) => get('/warehouse/locations', scope(enterpriseId))
export const createLocation = (location) => post('/warehouse/locations', location)
export const changeLocation = (code, change) => post(`/warehouse/locations/${id(code)}/changes`, change)
export const locationHistory = (code, enterpriseId) => get(`/warehouse/locations/${id(code)}/history`, scope(enterpriseId))

// filter: { enterpriseId, location, traceCode } (a location includes the locations within it).
const clean = (f) => Object.fromEntries(Object.entries(f || {}).filter(([, v]) => v))
export const locationStock = (filter) => get('/warehouse/stock', clean(filter))
export const listRecords = (filter, page, pageSize) => get('/warehouse/records', { ...clean(filter), page, pageSize })

export const RECORD_KINDS = { in: '入库', out: '出库', stocktake: '盘点' }

export const feedRecords = (records) => post('/warehouse/records', { records })
export function importRecords(file) {
  const form = new FormData()
  form.append('file', file)
  return post('/warehouse/records/import', form)
}
export const recordsTemplate = () => request('GET', '/warehouse/records/template.xlsx', { blob: true })
export const listSKUs = (enterpriseId) => get('/warehouse/skus', scope(enterpriseId))
export const saveSKUs = (items) => put('/warehouse/skus', { items })

export const reconcile = (enterpriseId) => post('/warehouse/reconciliations', { enterpriseId: enterpriseId || '' })
export const listRuns = (query) => get('/warehouse/reconciliations', query)
export const getRun = (runId, query) => get(`/warehouse/reconciliations/${id(runId)}`, query)
export const exportRun = (runId) => request('GET', `/warehouse/reconciliations/${id(runId)}/export.xlsx`, { blob: true })

export const LEVELS = [
  { value: 'area', label: '库区' },
  { value: 'warehouse', label: '仓库' },
  { value: 'shelf', label: '货架' },
  { value: 'bin', label: '库位' },
]
export const levelLabel = (v) => LEVELS.find((l) => l.value === v)?.label || v
/** parentLevel is the level a location of level sits in ('' for an area). */
export const parentLevel = (level) => LEVELS[LEVELS.findIndex((l) => l.value === level) - 1]?.value || ''

export const ACTIONS = {
  create: '新建', rename: '重命名', move: '移动', disable: '停用', enable: '启用', attributes: '属性调整',
}

export const DIFF_KINDS = [
  { value: 'missing_in_wms', label: '仓储系统无记录', type: 'warning' },
  { value: 'missing_on_ledger', label: '账本无库存', type: 'danger' },
  { value: 'weight_differs', label: '重量不一致', type: 'danger' },
]
export const diffKind = (v) => DIFF_KINDS.find((k) => k.value === v) || { label: v, type: 'info' }
