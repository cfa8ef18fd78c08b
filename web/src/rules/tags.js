// The tag catalogue (GET /tags) cached once per page load, for every page
// that renders tag chips. A failed load leaves the catalogue empty and chips
// fall back to their code in a neutral colour; the next use tries again.
import { reactive } from 'vue'
import { getTagCatalogue } from '../api/rules.js'

export const tagCatalogue = reactive({ version: null, byCode: {}, loaded: false })

let pending = null

/** loadTags fetches the catalogue once; force refetches (after an edit). */
export function loadTags(force = false) {
  if (tagCatalogue.loaded && !force) return Promise.resolve(tagCatalogue)
  if (pending && !force) return pending
  pending = getTagCatalogue()
    .then((cat) => {
      tagCatalogue.version = cat.version
      tagCatalogue.byCode = Object.fromEntries((cat.items || []).map((t) => [t.code, t]))
      tagCatalogue.loaded = true
      return tagCatalogue
    })
    .catch(() => tagCatalogue)
    .finally(() => {
      pending = null
    })
  return pending
}

/** tagDef is a code's catalogue entry, or a neutral stand-in. */
export function tagDef(code) {
  return tagCatalogue.byCode[code] || { code, nameZh: code, category: '其他', colour: '#8C8C8C', description: '' }
}
