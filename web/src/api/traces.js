// Traceability calls (docs/api.md "Traceability"): a batch's whole history
// and the trace views over batches.
import { get } from './client.js'

/** getTraceHistory reads GET /trace-codes/{code}/history; view filters its movements. */
export const getTraceHistory = (code, view) =>
  get(`/trace-codes/${encodeURIComponent(code)}/history`, view ? { view } : undefined)

/** searchTraces reads GET /traces with the view's filters. */
export const searchTraces = (query) => get('/traces', query)
