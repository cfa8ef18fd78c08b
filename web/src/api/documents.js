// Gateway endpoints of the six document families, transfers, balances,
// receipts and the webhook (docs/api.md "Document drafts and documents",
// "Receipts").
import { get, post, put, del, request } from './client.js'

const id = encodeURIComponent

export const listTemplates = () => get('/document-templates')

export const listDocDrafts = (query) => get('/document-drafts', query)
export const getDocDraft = (draftId) => get(`/document-drafts/${id(draftId)}`)
export const createDocDraft = (draft) => post('/document-drafts', draft)
export const updateDocDraft = (draftId, draft) => put(`/document-drafts/${id(draftId)}`, draft)
export const deleteDocDraft = (draftId) => del(`/document-drafts/${id(draftId)}`)
export const copyDocDraft = (draftId) => post(`/document-drafts/${id(draftId)}/copy`)
export const declareDocDraft = (draftId) => post(`/document-drafts/${id(draftId)}/declare`)
export const pickableLines = (query) => get('/document-drafts/pickable-lines', query)
export const traceLineDefaults = (code) => get(`/trace-codes/${id(code)}/line-defaults`)
export const searchCounterparties = (q) => get('/counterparties', { q })
export const draftTemplateXlsx = (family, businessType) =>
  request('GET', '/document-drafts/template.xlsx', { query: { family, businessType }, blob: true })
export const exportDocDraftsXlsx = (query) =>
  request('GET', '/document-drafts/export.xlsx', { query, blob: true })

export function importDocDraft(file, family, businessType) {
  const form = new FormData()
  form.append('file', file)
  form.append('family', family)
  form.append('businessType', businessType)
  return post('/document-drafts/import', form)
}

export const listDocuments = (query) => get('/documents', query)
export const getDocument = (docId) => get(`/documents/${id(docId)}`)
export const reviewDocument = (docId, decision, reason) =>
  post(`/documents/${id(docId)}/review`, { decision, reason })
export const gatePass = (docId) => post(`/documents/${id(docId)}/gate-pass`, {})
export const requestDeletion = (docId, reason) => post(`/documents/${id(docId)}/deletion`, { reason })
export const confirmDeletion = (docId) => post(`/documents/${id(docId)}/deletion/confirm`, {})
export const reviewDeletion = (docId, decision, reason) =>
  post(`/documents/${id(docId)}/deletion/review`, { decision, reason })

// Excel of the documents the list's filters select (申报单证导出).
export const exportDocumentsXlsx = (query) => request('GET', '/documents/export.xlsx', { query, blob: true })
// Manual tags (手工打标) by customs, each with a reason; both answer the
// updated document.
export const tagDocument = (docId, code, reason) => post(`/documents/${id(docId)}/tags`, { code, reason })
export const untagDocument = (docId, code, reason) =>
  request('DELETE', `/documents/${id(docId)}/tags/${id(code)}`, { body: { reason } })
// The tag catalogue (code, nameZh, category, colour, description) of the
// current rule configuration; customs and the zone admin may read it.
export const getTagCatalogue = async () => (await get('/rules/config')).tags || []

export const incomingTransfers = () => get('/transfers/incoming')
export const listBalances = (query) => get('/balances', query)

export const listReceipts = (query) => get('/receipts', query)
export const markReceiptRead = (receiptId) => post(`/receipts/${id(receiptId)}/read`, {})
export const getWebhook = () => get('/webhook')
export const saveWebhook = (hook) => put('/webhook', hook)
export const listDeliveries = () => get('/webhook/deliveries')
