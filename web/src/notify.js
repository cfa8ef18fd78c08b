// How failures reach the user: the gateway's Chinese message in a toast, and
// for 422 a list of the offending fields.
import { h } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { fieldLabel } from './labels.js'

/**
 * showError reports an ApiError (or any Error) to the user; labelOf names the
 * field paths of 422 details (prefiling fields by default).
 */
export function showError(e, labelOf = fieldLabel) {
  if (e?.status === 401) return // the router is already on its way to login
  if (e?.details?.length) {
    ElMessageBox.alert(
      h('div', { 'data-test': 'field-errors' }, [
        h('p', { style: 'margin:0 0 8px' }, e.message),
        h('ul', { style: 'margin:0;padding-left:20px' },
          e.details.map((d) => h('li', [h('b', labelOf(d.field)), '：', d.messageZh || d.message]))),
      ]),
      '校验未通过',
      { type: 'warning', confirmButtonText: '知道了' },
    ).catch(() => {})
    return
  }
  ElMessage.error({ message: e?.message || '操作失败', grouping: true })
}

/** confirm asks before a consequential action; resolves false on cancel. */
export function confirm(message, title = '请确认', type = 'warning') {
  return ElMessageBox.confirm(message, title, { type, confirmButtonText: '确定', cancelButtonText: '取消' })
    .then(() => true)
    .catch(() => false)
}
