// The operation log, its alert rules and the in-app notifications
// (docs/api.md, "Operation log and notifications").
import { get, post, put, request } from './client.js'

export const queryOperationLog = (query) => get('/operation-log', query)
export const exportOperationLog = (format, query) =>
  request('GET', `/operation-log/export.${format}`, { query, blob: true })
export const checkOperationLog = () => get('/operation-log/check')
export const getAlertRules = () => get('/operation-log/rules')
export const saveAlertRules = (rules) => put('/operation-log/rules', rules)

export const listNotifications = (query) => get('/notifications', query)
export const markNotificationRead = (id) => post(`/notifications/${encodeURIComponent(id)}/read`)
export const markAllNotificationsRead = () => post('/notifications/read-all')

// Chinese wording of an alert, built from its rule and params.
export function alertText(alert) {
  const p = alert?.params || {}
  switch (alert?.rule) {
    case 'bulkExport':
      return `用户 ${p.username || '（匿名）'} 批量导出 ${p.rows} 行数据，超过阈值 ${p.maxRows} 行`
    case 'offHours':
      return `用户 ${p.username} 于非工作时间 ${p.localTime} 操作（工作时间 ${p.startHour}:00–${p.endHour}:00）`
    case 'refusals':
      return p.username
        ? `用户 ${p.username} 在 ${p.windowMinutes} 分钟内被拒绝 ${p.count} 次`
        : `地址 ${p.ip} 在 ${p.windowMinutes} 分钟内被拒绝 ${p.count} 次`
    case 'newAddress':
      return `用户 ${p.username} 从新地址 ${p.ip} 登录`
    default:
      return '安全告警'
  }
}

export const RULE_LABELS = {
  bulkExport: '批量导出',
  offHours: '非工作时间操作',
  refusals: '频繁被拒绝',
  newAddress: '新地址登录',
}

export const FAULT_LABELS = {
  changed: '记录被篡改',
  missing: '记录被删除',
  reordered: '记录顺序被改动',
  truncated: '日志末尾被截断',
  anchorMismatch: '与链上锚定不一致',
}
