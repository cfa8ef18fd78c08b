// National customs messages sent to customs' own systems (INV101, SAS111,
// SAS121) and their send log (docs/api.md "National customs messages").
import { get, post, request } from './client.js'

const id = encodeURIComponent

export const listNationalMessages = (query) => get('/national-messages', query)
export const sendNationalMessage = (docId, sasDclNo) =>
  post(`/documents/${id(docId)}/national-message`, sasDclNo ? { sasDclNo } : {})
export const nationalMessageXml = async (messageId) =>
  (await request('GET', `/national-messages/${id(messageId)}/xml`, { blob: true })).text()

// The families whose declarations go to customs as a national message.
export const MESSAGE_OF_FAMILY = { checklist: 'INV101', warehouse_receipt: 'SAS111', gate_registration: 'SAS121' }
