// The auditor's console (docs/api.md "Audit").
import { get, post, request } from './client.js'

const id = encodeURIComponent

export const listBlocks = (query) => get('/explorer/blocks', query)
export const getBlock = (n) => get(`/explorer/blocks/${id(n)}`)
export const getTransaction = (txId) => get(`/explorer/transactions/${id(txId)}`)
export const searchExplorer = (q) => get('/explorer/search', { q })
export const startVerify = () => post('/verify-runs')
export const listVerifyRuns = () => get('/verify-runs')
export const getVerifyRun = (runId) => get(`/verify-runs/${id(runId)}`)
export const getEvidenceBundle = (code) => request('GET', `/evidence-bundles/${id(code)}`, { blob: true })

/** AUDITORS may open the block explorer; only they see transaction links. */
export const AUDITORS = ['auditor', 'customs_officer', 'customs_admin', 'zone_admin']
