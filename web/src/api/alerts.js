// Risk alerts and their disposal (docs/api.md "Risk alerts"): the alerts
// the gateway's engine raised, customs' assessment, disposition, closing and
// revocation recorded on chain, the statistics and their downloads.
import { get, post, request } from './client.js'

const id = encodeURIComponent

/** listAlerts: kind, status, level, enterpriseId, subject, from, to (YYYY-MM-DD), page, pageSize. */
export const listAlerts = (query) => get('/alerts', query)
/** getAlert is one alert with its disposal record (or null). */
export const getAlert = (alertId) => get(`/alerts/${id(alertId)}`)
/** getDisposalOptions: the level matrix, templates and the Chinese names of every enumeration. */
export const getDisposalOptions = () => get('/alerts/disposal-options')

/** assessAlert grades probability, impact and urgency (1..3); the ledger levels it by the matrix. */
export const assessAlert = (alertId, assessment) => post(`/alerts/${id(alertId)}/assessment`, assessment)
/** disposeAlert records the disposal: type, handler, reason, opinion, templateId, attachments. */
export const disposeAlert = (alertId, disposition) => post(`/alerts/${id(alertId)}/disposition`, disposition)
export const closeAlert = (alertId, note) => post(`/alerts/${id(alertId)}/closing`, { note })
export const revokeAlertDisposal = (alertId, reason) => post(`/alerts/${id(alertId)}/revocation`, { reason })

/** exportAlertsXlsx: the alerts the list's filters select, with their disposal records. */
export const exportAlertsXlsx = (query) => request('GET', '/alerts/export.xlsx', { query, blob: true })

/** getAlertStats: counts by kind, level, state, enterprise (top 20) and month; from, to, kind, enterpriseId. */
export const getAlertStats = (query) => get('/alerts/stats', query)
// The statistics as a report: by=month|enterprise besides the filters.
export const alertStatsXlsx = (query) => request('GET', '/alerts/stats.xlsx', { query, blob: true })
export const alertStatsPdf = (query) => request('GET', '/alerts/stats.pdf', { query, blob: true })
