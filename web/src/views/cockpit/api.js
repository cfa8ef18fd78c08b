// The supervision cockpit's reads (docs/api.md "Cockpit"): customs and the
// zone administration only.
import { get } from '../../api/client.js'

/** getOverview answers a year's figures; limit entries per ranking. */
export const getOverview = (year, limit) => get('/cockpit/overview', { year, limit })
/** getPrices answers the import price points of the days from..to (YYYY-MM-DD). */
export const getPrices = (from, to) => get('/cockpit/prices', { from, to })
