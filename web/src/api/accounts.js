// The accounts (账务核算, docs/api.md "Accounts"): movements behind every
// figure, stock reports, pass-through, accounting periods, and their
// Excel/PDF exports.
import { get, post, request } from './client.js'

const id = encodeURIComponent

export const listAccountMovements = (query) => get('/accounts/movements', query)
export const getStock = (query) => get('/accounts/stock', query)
export const getPassThrough = (query) => get('/accounts/pass-through', query)
export const listPeriods = (query) => get('/accounts/periods', query)
export const definePeriod = (period) => post('/accounts/periods', period)
const periodPath = (enterpriseId, periodId) => `/accounts/periods/${id(enterpriseId)}/${id(periodId)}`
export const getPeriodFigures = (enterpriseId, periodId) => get(periodPath(enterpriseId, periodId) + '/figures')
export const verifyPeriod = (enterpriseId, periodId) => get(periodPath(enterpriseId, periodId) + '/verification')
export const closePeriod = (enterpriseId, periodId) => post(periodPath(enterpriseId, periodId) + '/close')

// format is "xlsx" or "pdf"; the same filters as the JSON routes.
export const exportStock = (format, query) => request('GET', `/accounts/stock/export.${format}`, { query, blob: true })
export const exportPeriodFigures = (format, enterpriseId, periodId) =>
  request('GET', `${periodPath(enterpriseId, periodId)}/figures.${format}`, { blob: true })
export const exportMovements = (format, query) => request('GET', `/accounts/movements/export.${format}`, { query, blob: true })
