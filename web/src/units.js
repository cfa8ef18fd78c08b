// Quantities travel as integers (grams, fen). Conversions from what people
// type (kg with ≤3 decimals, 元 with ≤2 decimals) use string arithmetic so no
// binary float ever rounds a declared value.

function decimalToInt(text, decimals, what) {
  const s = String(text ?? '').trim()
  if (s === '') return null
  const m = new RegExp(`^(\\d{1,12})(?:\\.(\\d{1,${decimals}}))?$`).exec(s)
  if (!m) throw new Error(`${what}须为非负数，最多 ${decimals} 位小数`)
  const n = Number(m[1] + (m[2] || '').padEnd(decimals, '0'))
  if (!Number.isSafeInteger(n)) throw new Error(`${what}过大`)
  return n
}

function intToDecimal(n, decimals, keepZeros) {
  if (n === null || n === undefined || n === '') return ''
  const v = BigInt(n)
  const neg = v < 0n
  const digits = (neg ? -v : v).toString().padStart(decimals + 1, '0')
  let frac = digits.slice(-decimals)
  if (!keepZeros) frac = frac.replace(/0+$/, '')
  const whole = digits.slice(0, -decimals)
  return (neg ? '-' : '') + whole + (frac ? '.' + frac : '')
}

/** kgToGrams parses "1234.5" (kg, ≤3 decimals) into 1234500; "" → null. */
export const kgToGrams = (text) => decimalToInt(text, 3, '重量')
/** yuanToFen parses "98.5" (元, ≤2 decimals) into 9850; "" → null. */
export const yuanToFen = (text) => decimalToInt(text, 2, '进口均价')
/** gramsToKg formats 1234500 as "1234.5". */
export const gramsToKg = (g) => intToDecimal(g, 3, false)
/** fenToYuan formats 9850 as "98.50". */
export const fenToYuan = (f) => intToDecimal(f, 2, true)

/** formatTime shows an RFC 3339 time in local time, to the second. */
export function formatTime(t) {
  if (!t) return ''
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return t
  const p = (x) => String(x).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/** shortHash shows the first 12 hex digits of a SHA-256. */
export const shortHash = (h) => (h ? h.slice(0, 12) : '')
