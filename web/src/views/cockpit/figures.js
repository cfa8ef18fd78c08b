// The cockpit's numbers and links, apart from the page: amounts arrive in
// fen and weights in grams (integers); the screen shows 万元 and 吨 for the
// big figures and exact 元 / kg in tooltips and tables. Every figure links
// to the list behind it, with that list's route query.
import { fenToYuan, gramsToKg } from '../../units.js'
import { countryName } from '../../labels.js'

/** group inserts thousands separators into a decimal text. */
function group(text) {
  const [whole, frac] = String(text).split('.')
  const g = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return frac === undefined ? g : `${g}.${frac}`
}

/** scaled divides an integer by 10^places, rounding half away from zero to `decimals`. */
function scaled(n, places, decimals) {
  const v = BigInt(n ?? 0)
  const neg = v < 0n
  const step = 10n ** BigInt(places - decimals)
  const r = ((neg ? -v : v) + step / 2n) / step
  const digits = r.toString().padStart(decimals + 1, '0')
  const text = decimals ? `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}` : digits
  return (neg && r !== 0n ? '-' : '') + group(text)
}

/** yuan is fen as 元 with two decimals and separators. */
export const yuan = (fen) => group(fenToYuan(fen ?? 0))
/** wanYuan is fen as 万元 (10^6 fen) with two decimals. */
export const wanYuan = (fen) => scaled(fen, 6, 2)
/** kg is grams as kg with separators. */
export const kg = (grams) => group(gramsToKg(grams ?? 0) || '0')
/** tonnes is grams as 吨 (10^6 g) with two decimals. */
export const tonnes = (grams) => scaled(grams, 6, 2)
/** perKg is a price in fen per kg as 元/kg. */
export const perKg = (fen) => `${yuan(fen)} 元/kg`
/** count is an integer count with separators. */
export const count = (n) => group(String(n ?? 0))
/** share is a/b as a percentage with one decimal. */
export const share = (a, b) => (b ? `${((Number(a) * 100) / Number(b)).toFixed(1)}%` : '0.0%')

/** yearRange is the first and last day of a year. */
export const yearRange = (year) => ({ from: `${year}-01-01`, to: `${year}-12-31` })

/** monthRange is the first and last day of a month "YYYY-MM". */
function monthRange(month) {
  const [y, m] = month.split('-').map(Number)
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` }
}

// Drill-downs: the accounts' movements (核算明细, flow and day range, the
// same keys the sums are kept by), the stock report, and the prefiling and
// document lists with their filters.
export const links = {
  trade: (flow, year) => ({ name: 'account-movements', query: { flow, ...yearRange(year) } }),
  month: (flow, month) => ({ name: 'account-movements', query: { flow, ...monthRange(month) } }),
  importer: (enterpriseId, year) => ({ name: 'account-movements', query: { flow: 'entry', enterpriseId, ...yearRange(year) } }),
  country: (origin) => ({ name: 'prefilings', query: { origin } }),
  exporter: (exporter) => ({ name: 'prefilings', query: { exporter } }),
  tickets: (enterpriseId) => ({ name: 'documents', query: { enterpriseId } }),
  stock: () => ({ name: 'account-stock', query: { groupBy: 'enterprise', inStock: 'true' } }),
  stockOf: (enterpriseId) => ({ name: 'account-stock', query: { enterpriseId, inStock: 'true' } }),
  // The stock report lists the batches in stock with their HS codes.
  stockByBatch: () => ({ name: 'account-stock', query: { groupBy: 'batch', inStock: 'true' } }),
  balances: () => ({ name: 'balances' }),
  price: (origin) => ({ name: 'prefilings', query: { origin } }),
  // 卡口车辆: every crossing, and the vehicles now inside.
  gateEvents: () => ({ name: 'gates', query: { tab: 'events' } }),
  vehiclesInside: () => ({ name: 'gates', query: { tab: 'inside' } }),
}

/** rankRows names a ranking's entries for a chart: label, value, link. */
export function rankRows(ranking, labelOf, linkOf) {
  return (ranking?.top || []).map((e) => ({ label: labelOf(e), valueFen: e.valueFen, grams: e.grams, link: linkOf(e) }))
}


const AXIS = (dark) => ({
  axisLine: { lineStyle: { color: dark ? '#4a6a8a' : '#c0c4cc' } },
  axisLabel: { color: dark ? '#a9c3dd' : '#606266' },
  splitLine: { lineStyle: { color: dark ? '#1d3552' : '#ebeef5' } },
})

/** monthsOption: imports and exports per month in 万元 (bars) and tonnes (line). */
export function monthsOption(trade, dark) {
  const months = trade?.months || []
  return {
    color: ['#36a3f7', '#f6a54c', '#5fd39b', '#e06c75'],
    tooltip: {
      trigger: 'axis',
      formatter: (ps) => [ps[0]?.axisValue, ...ps.map((p) => `${p.marker}${p.seriesName}：${p.seriesIndex < 2 ? yuan(p.data.fen) + ' 元' : kg(p.data.grams) + ' kg'}`)].join('<br>'),
    },
    legend: { top: 0, textStyle: { color: dark ? '#cfe3f7' : '#303133' } },
    grid: { left: 56, right: 48, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: months.map((m) => Number(m.month.slice(5)) + '月'), ...AXIS(dark) },
    yAxis: [{ type: 'value', name: '万元', ...AXIS(dark) }, { type: 'value', name: '吨', ...AXIS(dark), splitLine: { show: false } }],
    series: [
      { name: '进口额', type: 'bar', data: months.map((m) => ({ value: Number(m.import.valueFen) / 1e6, fen: m.import.valueFen })) },
      { name: '出口额', type: 'bar', data: months.map((m) => ({ value: Number(m.export.valueFen) / 1e6, fen: m.export.valueFen })) },
      { name: '进口重量', type: 'line', yAxisIndex: 1, data: months.map((m) => ({ value: Number(m.import.grams) / 1e6, grams: m.import.grams })) },
      { name: '出口重量', type: 'line', yAxisIndex: 1, data: months.map((m) => ({ value: Number(m.export.grams) / 1e6, grams: m.export.grams })) },
    ],
  }
}

/** vehiclesOption: vehicle entries and exits per month (crossings, events set aside excluded). */
export function vehiclesOption(vehicles, dark) {
  const months = vehicles?.byMonth || []
  return {
    color: ['#5fd39b', '#e06c75'],
    tooltip: { trigger: 'axis', formatter: (ps) => [ps[0]?.axisValue, ...ps.map((p) => `${p.marker}${p.seriesName}：${count(p.value)} 辆次`)].join('<br>') },
    legend: { top: 0, textStyle: { color: dark ? '#cfe3f7' : '#303133' } },
    grid: { left: 48, right: 16, top: 32, bottom: 24 },
    xAxis: { type: 'category', data: months.map((m) => Number(m.month.slice(5)) + '月'), ...AXIS(dark) },
    yAxis: { type: 'value', name: '辆次', minInterval: 1, ...AXIS(dark) },
    series: [
      { name: '入区', type: 'bar', data: months.map((m) => m.entries) },
      { name: '出区', type: 'bar', data: months.map((m) => m.exits) },
    ],
  }
}

/** barsOption: a horizontal ranking by value (万元), largest on top. */
export function barsOption(rows, dark, color = '#36a3f7') {
  const list = [...rows].reverse()
  return {
    color: [color],
    tooltip: { trigger: 'item', formatter: (p) => `${p.name}<br>${yuan(p.data.fen)} 元<br>${kg(p.data.grams)} kg` },
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', name: '万元', ...AXIS(dark) },
    yAxis: { type: 'category', data: list.map((r) => r.label), ...AXIS(dark), axisLabel: { ...AXIS(dark).axisLabel, width: 150, overflow: 'truncate' } },
    series: [{ type: 'bar', data: list.map((r) => ({ value: Number(r.valueFen) / 1e6, fen: r.valueFen, grams: r.grams })),
      label: { show: true, position: 'right', color: dark ? '#cfe3f7' : '#606266', formatter: (p) => wanYuan(p.data.fen) } }],
  }
}

/** pieOption: shares of a whole (ticket counts). */
export function pieOption(rows, dark) {
  return {
    tooltip: { trigger: 'item', formatter: (p) => `${p.name}<br>${p.value} 票（${p.percent}%）` },
    legend: { type: 'scroll', bottom: 0, textStyle: { color: dark ? '#cfe3f7' : '#303133' } },
    series: [{ type: 'pie', radius: ['38%', '66%'], center: ['50%', '44%'], data: rows.map((r) => ({ name: r.label, value: r.count })),
      label: { color: dark ? '#cfe3f7' : '#303133', formatter: '{b}\n{d}%' } }],
  }
}

/** scatterOption: average import unit price (元/kg) against the day, one series per origin. */
export function scatterOption(points, dark) {
  const byOrigin = new Map()
  for (const p of points || []) {
    if (!byOrigin.has(p.origin)) byOrigin.set(p.origin, [])
    byOrigin.get(p.origin).push(p)
  }
  const maxGrams = Math.max(1, ...(points || []).map((p) => Number(p.grams)))
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p) => `${p.seriesName} · HS ${p.data.hsCode}<br>${p.data.day}<br>均价 ${perKg(p.data.avgPriceFen)}<br>${kg(p.data.grams)} kg，${p.data.lines} 行`,
    },
    legend: { type: 'scroll', textStyle: { color: dark ? '#cfe3f7' : '#303133' } },
    grid: { left: 56, right: 24, top: 36, bottom: 28 },
    xAxis: { type: 'time', ...AXIS(dark) },
    yAxis: { type: 'value', name: '元/kg', scale: true, ...AXIS(dark) },
    series: [...byOrigin.entries()].map(([origin, list]) => ({
      name: countryName(origin), type: 'scatter', origin,
      symbolSize: (v, p) => 6 + 14 * Math.sqrt(Number(p.data.grams) / maxGrams),
      data: list.map((p) => ({ ...p, value: [p.day, Number(p.avgPriceFen) / 100] })),
    })),
  }
}
