// The keys every account is queried by, shared by the account pages: they
// travel in the URL so a figure drills down to its movements with the very
// same keys (click a row → 核算明细).

export const KEY_NAMES = ['enterpriseId', 'traceCode', 'materialNo', 'checklistNo', 'vehiclePlate', 'bonded']

export const FLOW_LABELS = {
  entry: '入区',
  exit: '出区',
  transfer_in: '流转入',
  transfer_out: '流转出',
  conversion_in: '转入非保',
  conversion_out: '保税转出',
}

/** keysFrom reads the keys from a route query (missing keys are ''). */
export function keysFrom(query) {
  const keys = {}
  for (const k of KEY_NAMES) keys[k] = typeof query[k] === 'string' ? query[k] : ''
  return keys
}

/** cleaned drops empty values and trims text, for the API and the URL. */
export function cleaned(obj) {
  const out = {}
  for (const [k, v] of Object.entries(obj)) {
    const s = typeof v === 'string' ? v.trim() : v
    if (s !== '' && s !== undefined && s !== null && s !== false) out[k] = String(s)
  }
  return out
}

/**
 * drillKeys are the keys of a stock row added to the page's filters: a row
 * fixes what its grouping fixes (a holding: batch, enterprise and status).
 */
export function drillKeys(filters, row) {
  const keys = { ...cleaned(filters) }
  if (row.traceCode) keys.traceCode = row.traceCode
  if (row.enterpriseId) keys.enterpriseId = row.enterpriseId
  if (row.materialNo && !row.traceCode) keys.materialNo = row.materialNo
  if (row.bonded === true || row.bonded === false) keys.bonded = String(row.bonded)
  return keys
}
