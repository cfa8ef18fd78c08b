// Goods lines as the form edits them (kg and 元 as decimal text) and as the
// API carries them (grams and fen as integers; model.DocumentLine).
import { kgToGrams, yuanToFen, gramsToKg, fenToYuan } from '../units.js'
import { lineValueFen } from './money.js'

/** blankLine is an empty editable line. */
export function blankLine() {
  return {
    traceCode: '', materialNo: '', productName: '', hsCode: '', origin: '',
    weightKg: '', unitPriceYuan: '', valueYuan: '', currency: 'CNY', packages: null,
  }
}

/** editableLine turns an API line (or a pickable line) into form text. */
export function editableLine(l) {
  return {
    traceCode: l.traceCode || '',
    materialNo: l.materialNo || '',
    productName: l.productName || '',
    hsCode: l.hsCode || '',
    origin: l.origin || '',
    weightKg: l.weightGrams ? gramsToKg(l.weightGrams) : '',
    unitPriceYuan: l.unitPriceFen ? fenToYuan(l.unitPriceFen) : '',
    valueYuan: l.valueFen ? fenToYuan(l.valueFen) : '',
    currency: l.currency || 'CNY',
    packages: l.packages || null,
  }
}

/** suggestedValueFen is weight × unit price when both parse, else null. */
export function suggestedValueFen(line) {
  try {
    const g = kgToGrams(line.weightKg)
    const p = yuanToFen(line.unitPriceYuan)
    return g == null || p == null ? null : lineValueFen(g, p)
  } catch {
    return null
  }
}

/**
 * apiLines converts the form lines for the API. A parse failure throws an
 * Error whose `field` is the path the gateway would use ("lines[2].weightGrams").
 */
export function apiLines(lines) {
  return lines.map((l, i) => {
    const at = (field, fn, text) => {
      try {
        return fn(text)
      } catch (e) {
        e.field = `lines[${i}].${field}`
        throw e
      }
    }
    const weightGrams = at('weightGrams', kgToGrams, l.weightKg) ?? 0
    const unitPriceFen = at('unitPriceFen', (t) => yuanToFen(t), l.unitPriceYuan) ?? 0
    const typedValue = at('valueFen', (t) => yuanToFen(t), l.valueYuan)
    const t = (s) => (s || '').trim()
    return {
      traceCode: t(l.traceCode),
      materialNo: t(l.materialNo),
      productName: t(l.productName),
      hsCode: t(l.hsCode),
      origin: l.origin || '',
      weightGrams,
      unitPriceFen,
      valueFen: typedValue ?? lineValueFen(weightGrams, unitPriceFen),
      currency: l.currency || 'CNY',
      packages: l.packages || 0,
    }
  })
}
