// The flow graph of a batch between enterprises (ECharts option), built from
// its trace history: one node per holder in the order it first received the
// batch, one edge per movement between two enterprises, in red where the
// document behind it carries a tag (告警) and grey for a voided document's
// reversal. Entries and exits from and to outside the zone, and conversions,
// mark the node instead of adding one.
import { gramsToKg, formatTime } from '../units.js'
import { movementLabel } from '../documents/labels.js'

export const NORMAL = '#409eff'
export const ALARM = '#f56c6c'
export const REVERSAL = '#909399'

/** flowGraph returns { nodes, edges } of history h. */
export function flowGraph(h) {
  const tagged = new Set((h.documents || []).filter((d) => (d.tags || []).length > 0).map((d) => d.id))
  const alarmed = new Set((h.documents || []).filter((d) => tagged.has(d.id)).map((d) => d.enterpriseId))
  const marks = {}
  const mark = (id, text) => {
    if (!id) return
    ;(marks[id] ||= new Set()).add(text)
  }
  const edges = []
  for (const m of h.movements || []) {
    const from = m.from?.enterpriseId
    const to = m.to?.enterpriseId
    if (m.kind === 'zone_entry') mark(to, '进区')
    else if (m.kind === 'zone_exit') mark(from, '出区')
    else if (m.kind === 'conversion') mark(to, '保税转非保税')
    if (!from || !to || from === to) continue
    edges.push({
      source: from, target: to, weightGrams: m.weightGrams, at: m.at, kind: m.kind, documentId: m.documentId,
      alarm: tagged.has(m.documentId),
    })
  }
  const nodes = (h.holders || []).map((o, i) => ({
    id: o.enterpriseId,
    name: o.enterpriseName || o.enterpriseId,
    order: i,
    current: o.current,
    bondedGrams: o.bondedGrams,
    nonBondedGrams: o.nonBondedGrams,
    marks: [...(marks[o.enterpriseId] || [])],
    alarm: alarmed.has(o.enterpriseId),
  }))
  return { nodes, edges }
}

/** chartOption is the ECharts option of a flow graph; width spreads the nodes along the timeline. */
export function chartOption({ nodes, edges }) {
  const step = 220
  return {
    tooltip: {
      formatter: (p) => {
        if (p.dataType === 'edge') {
          const e = p.data.raw
          return `${movementLabel(e.kind)} ${gramsToKg(e.weightGrams)} kg<br/>${formatTime(e.at)}<br/>单证 ${e.documentId}${e.alarm ? '<br/><b style="color:' + ALARM + '">有异常标签</b>' : ''}`
        }
        const n = p.data.raw
        return `${n.name}<br/>保税 ${gramsToKg(n.bondedGrams)} kg · 非保税 ${gramsToKg(n.nonBondedGrams)} kg` +
          (n.marks.length ? '<br/>' + n.marks.join('、') : '') + (n.current ? '<br/>当前持有' : '') +
          (n.alarm ? `<br/><b style="color:${ALARM}">有异常标签</b>` : '')
      },
    },
    animation: false,
    series: [{
      type: 'graph',
      layout: 'none',
      roam: true,
      edgeSymbol: ['none', 'arrow'],
      edgeSymbolSize: 10,
      autoCurveness: true,
      label: { show: true, position: 'bottom', width: 180, overflow: 'break' },
      edgeLabel: { show: true, fontSize: 11, formatter: (p) => `${gramsToKg(p.data.raw.weightGrams)} kg\n${formatTime(p.data.raw.at).slice(0, 10)}` },
      data: nodes.map((n) => ({
        id: n.id,
        name: n.name + (n.marks.length ? `（${n.marks.join('、')}）` : ''),
        x: n.order * step,
        y: n.order % 2 === 0 ? 0 : 90,
        symbolSize: n.current ? 46 : 34,
        itemStyle: { color: n.alarm ? ALARM : NORMAL, borderColor: n.current ? '#303133' : '#fff', borderWidth: n.current ? 2 : 1 },
        raw: n,
      })),
      links: edges.map((e) => ({
        source: e.source,
        target: e.target,
        lineStyle: { color: e.alarm ? ALARM : e.kind === 'reversal' ? REVERSAL : NORMAL, width: e.alarm ? 3 : 2, type: e.kind === 'reversal' ? 'dashed' : 'solid' },
        raw: e,
      })),
    }],
  }
}
