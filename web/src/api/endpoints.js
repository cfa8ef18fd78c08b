// One function per gateway endpoint used by the pages (docs/api.md).
import { get, post, put, del, request } from './client.js'

const id = encodeURIComponent

export const login = (username, password) => post('/auth/login', { username, password })
export const logout = () => post('/auth/logout')
export const changePassword = (currentPassword, newPassword) => post('/me/password', { currentPassword, newPassword })

export const listDrafts = (query) => get('/prefiling-drafts', query)
export const getDraft = (draftId) => get(`/prefiling-drafts/${id(draftId)}`)
export const createDraft = (data) => post('/prefiling-drafts', { data })
export const updateDraft = (draftId, data) => put(`/prefiling-drafts/${id(draftId)}`, { data })
export const deleteDraft = (draftId) => del(`/prefiling-drafts/${id(draftId)}`)
export const copyDraft = (draftId) => post(`/prefiling-drafts/${id(draftId)}/copy`)
export const declareDraft = (draftId) => post(`/prefiling-drafts/${id(draftId)}/declare`)

export const listPrefilings = (query) => get('/prefilings', query)
export const getPrefiling = (pfId) => get(`/prefilings/${id(pfId)}`)
export const copyPrefilingToDraft = (pfId) => post(`/prefilings/${id(pfId)}/copy-to-draft`)
export const reviewPrefiling = (pfId, decision, reason) =>
  post(`/prefilings/${id(pfId)}/review`, { decision, reason })
export const declareSupplement = (pfId, supplement) =>
  post(`/prefilings/${id(pfId)}/supplement`, supplement)
export const reviewSupplement = (pfId, decision, reason) =>
  post(`/prefilings/${id(pfId)}/supplement/review`, { decision, reason })

// Excel of the prefilings the list's filters select (预核批量导出).
export const exportPrefilingsXlsx = (query) => request('GET', '/prefilings/export.xlsx', { query, blob: true })

// Customs' work queue (工作台/待办) and the menu badges of the current user.
export const listWorkQueue = (query) => get('/work-queue', query)
export const getWorkQueueCounts = () => get('/work-queue/counts')
export const getBadges = () => get('/badges')

export const getTraceCode = (code) => get(`/trace-codes/${id(code)}`)
export const getTraceQr = (code, size = 256) =>
  request('GET', `/trace-codes/${id(code)}/qr.png`, { query: { size }, blob: true })
// The batch's history as an EPCIS 2.0 JSON-LD document (a file to save).
export const getTraceEpcis = (code) => request('GET', `/trace-codes/${id(code)}/epcis`, { blob: true })

// Material numbers (料号): the batches declared under one, and its QR label.
export const getMaterial = (materialNo, enterpriseId) =>
  get(`/materials/${id(materialNo)}`, enterpriseId ? { enterpriseId } : undefined)
export const getMaterialQr = (materialNo, enterpriseId, size = 256) =>
  request('GET', `/materials/${id(materialNo)}/qr.png`, { query: enterpriseId ? { enterpriseId, size } : { size }, blob: true })

export function uploadAttachment(file) {
  const form = new FormData()
  form.append('file', file)
  return post('/attachments', form)
}
export const getAttachment = (sha256) =>
  request('GET', `/attachments/${id(sha256)}`, { blob: true })

export const listEnterprises = () => get('/enterprises')
export const registerEnterprise = (enterprise) => post('/enterprises', enterprise)
export const updateEnterprise = (enterpriseId, edit) => put(`/enterprises/${id(enterpriseId)}`, edit)
export const disableEnterprise = (enterpriseId) => post(`/enterprises/${id(enterpriseId)}/disable`)
export const enableEnterprise = (enterpriseId) => post(`/enterprises/${id(enterpriseId)}/enable`)
export const listUsers = (query) => get('/users', query)
export const createUser = (user) => post('/users', user)
export const updateUser = (username, profile) => put(`/users/${id(username)}`, profile)
export const disableUser = (username) => post(`/users/${id(username)}/disable`)
export const enableUser = (username) => post(`/users/${id(username)}/enable`)
export const resetPassword = (username, password) => post(`/users/${id(username)}/password-reset`, { password })
export const unlockUser = (username) => post(`/users/${id(username)}/unlock`)
