// Gate intake (卡口): docs/api.md, "Gate intake".
import { get, post } from '../../api/client.js'

const id = (v) => encodeURIComponent(v)

export const listGates = () => get('/gates')
export const registerGate = (gate) => post('/gates', gate)
export const disableGate = (gateId) => post(`/gates/${id(gateId)}/disable`)
export const listGateEvents = (query) => get('/gate-events', query)
export const matchGateEvent = (eventId, documentId) => post(`/gate-events/${id(eventId)}/match`, { documentId })
export const ignoreGateEvent = (eventId, reason) => post(`/gate-events/${id(eventId)}/ignore`, { reason })
export const candidatesOf = (eventId) => get(`/gate-events/${id(eventId)}/candidates`)
export const playbackOf = (eventId) => get(`/gate-events/${id(eventId)}/playback`)
export const vehiclesInside = () => get('/vehicles/inside')
export const routeOf = (plate) => get('/vehicles/route', { plate })

export const STATE_LABELS = { matched: '已匹配', unmatched: '待处理', resolved: '人工匹配', ignored: '已忽略' }
export const STATE_TYPES = { matched: 'success', unmatched: 'warning', resolved: 'primary', ignored: 'info' }
export const DIRECTION_LABELS = { in: '进区', out: '出区', both: '进出' }
export const WHY_LABELS = {
  no_document: '无该车辆已审批未过卡的单证',
  ambiguous: '可匹配多份单证，需人工确认',
  document_unknown: '单证编号不存在',
  not_gate_document: '该单证不经卡口',
  direction_contradicts: '方向与单证相反',
  document_not_approved: '单证未审批通过',
  already_crossed: '单证已过卡',
  plate_differs: '车牌与单证不符',
}
