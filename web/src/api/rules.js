// Customs' rule configuration (docs/api.md "Rule configuration"): the
// versioned configuration on chain, the model specs, the dry run, and the
// tag catalogue every role renders.
import { get, post, put } from './client.js'

/** getRuleConfig reads a version ('' or undefined: the current one). */
export const getRuleConfig = (version) => get('/rules/config', { version })
/** putRuleConfig writes a new version based on baseVersion (customs_admin). */
export const putRuleConfig = (baseVersion, config) => put('/rules/config', { baseVersion, config })
export const listRuleVersions = (query) => get('/rules/versions', query)
export const listModelSpecs = () => get('/rules/models')
/** dryRunRule evaluates a draft rule against the newest `limit` declarations of its kind. */
export const dryRunRule = (rule, limit) => post('/rules/dry-run', { rule, limit })
export const getTagCatalogue = () => get('/tags')
