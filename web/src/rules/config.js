// Editing customs' rule configuration: every page edits the whole
// configuration it loaded and writes it back as a new version based on the
// version it read, so an edit made on a stale copy is refused by the ledger
// (RULE_CONFIG_STALE) instead of overwriting someone else's.
import { computed, reactive } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { getRuleConfig, putRuleConfig } from '../api/rules.js'
import { session } from '../api/session.js'
import { showError } from '../notify.js'
import { ruleFieldLabel } from './labels.js'
import { loadTags } from './tags.js'

/** canEditRules: only customs' administrator writes the configuration. */
export const canEditRules = computed(() => session.user?.role === 'customs_admin')

/** draftOf is a deep copy of a stored version's editable part. */
export function draftOf(cfg) {
  const c = JSON.parse(JSON.stringify(cfg || {}))
  const d = { tags: c.tags || [], models: c.models || [], bindings: c.bindings || [], rules: c.rules || [], note: '' }
  // The risk section rides along unchanged (absent: the defaults), so a
  // page editing another part never drops it.
  if (c.risk) d.risk = c.risk
  return d
}

/** useRuleConfig loads the current configuration and saves edits of it. */
export function useRuleConfig() {
  // problems are the 422 details of the last refused save, for pages that
  // show them at their fields.
  const state = reactive({ config: null, loading: false, error: '', problems: [] })

  async function load() {
    state.loading = true
    state.error = ''
    try {
      state.config = await getRuleConfig()
    } catch (e) {
      state.error = e.message
      showError(e)
    } finally {
      state.loading = false
    }
  }

  /**
   * save applies edit to a copy of the loaded configuration and writes it as
   * a new version with note. Resolves true when stored; on a stale base it
   * offers to reload (the edit is then dropped: it was made on old data).
   * labelOf(path, draft) names the fields of a refusal (ruleFieldLabel by default).
   */
  async function save(edit, note, labelOf = ruleFieldLabel) {
    const draft = draftOf(state.config)
    edit(draft)
    draft.note = (note || '').trim()
    state.problems = []
    try {
      state.config = await putRuleConfig(state.config.version, draft)
      loadTags(true)
      ElMessage.success(`已保存为规则配置第${state.config.version}版`)
      return true
    } catch (e) {
      if (e.reason === 'RULE_CONFIG_STALE') {
        const current = e.params?.version
        const reload = await ElMessageBox.confirm(
          `规则配置已被他人修改：您基于第${state.config.version}版编辑，当前已是第${current ?? '更新的'}版。` +
            '请重新加载最新配置后再修改，本次未保存的修改将不会保留。',
          '规则配置已更新',
          { type: 'warning', confirmButtonText: '重新加载', cancelButtonText: '取消' },
        ).then(() => true).catch(() => false)
        if (reload) await load()
        return false
      }
      state.problems = e.details || []
      showError(e, (path) => labelOf(path, draft))
      return false
    }
  }

  return { state, load, save }
}
