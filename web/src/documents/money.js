// Line value from weight and unit price, in integers: grams × fen/kg ÷ 1000,
// rounded half up, so the suggested value never passes through a float.
export function lineValueFen(weightGrams, unitPriceFen) {
  if (weightGrams == null || unitPriceFen == null) return null
  const p = BigInt(weightGrams) * BigInt(unitPriceFen)
  const v = (p + 500n) / 1000n
  return Number(v)
}
