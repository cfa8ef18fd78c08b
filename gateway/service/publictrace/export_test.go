package publictrace

// GTIN14ForTest appends the check digit to a 12-digit GTIN-13 body and the
// GTIN-14 indicator 0 in front, to check the digit against published GTINs.
func GTIN14ForTest(body12 string) string {
	return "0" + body12 + string(rune('0'+gs1CheckDigit(body12)))
}
