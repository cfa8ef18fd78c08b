package ocr

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"zonetrace/chaincode/model"
)

// Field names, as the prefiling names the values they suggest.
const (
	FieldOrigin            = "origin"
	FieldQuarantineBatchNo = "quarantineBatchNo"
	FieldQuarantineResult  = "quarantineResult"
	FieldQuarantineDate    = "quarantineDate"
)

// ReviewBelow is the confidence (percent) under which a field is flagged
// for a person to check against the certificate.
const ReviewBelow = 80

// Field is one value read off a certificate.
type Field struct {
	Name string `json:"name"`
	// Value is in the prefiling's terms: an ISO country code, a batch
	// number, qualified/unqualified, a YYYY-MM-DD date.
	Value string `json:"value"`
	// Text is what the certificate says, e.g. the country as printed.
	Text string `json:"text"`
	// ValueZh is the Chinese name of an origin.
	ValueZh string `json:"valueZh,omitempty"`
	// Confidence is 0–100: the recogniser's least confidence in the
	// characters of the value, lowered where the value needed correcting
	// to be understood.
	Confidence  int  `json:"confidence"`
	NeedsReview bool `json:"needsReview"`
}

// percent turns a confidence of 0–1 into a whole percentage.
func percent(c float64) int { return int(c*100 + 0.5) }

// Word is a recognised word with the recogniser's confidence (0–1).
type Word struct {
	Text       string
	Confidence float64
}

// Line is one line of a page, as words.
type Line []Word

// span is a line's text and, for each rune of it, the confidence of the
// word it came from.
type span struct {
	text []rune
	conf []float64
}

// joinLine builds the text of a line: words are separated by a space except
// between two CJK characters, where OCR inserts spaces that are not there.
func joinLine(l Line) span {
	var s span
	for _, w := range l {
		t := []rune(normaliseText(w.Text))
		if len(t) == 0 {
			continue
		}
		if len(s.text) > 0 && spaced(s.text[len(s.text)-1], t[0]) {
			s.text = append(s.text, ' ')
			s.conf = append(s.conf, w.Confidence)
		}
		for range t {
			s.conf = append(s.conf, w.Confidence)
		}
		s.text = append(s.text, t...)
	}
	return s
}

// spaced reports whether a space goes between the words ending in prev and
// starting with next: not beside a CJK character or a colon.
func spaced(prev, next rune) bool {
	return !isCJK(prev) && !isCJK(next) && prev != ':' && next != ':'
}

func isCJK(r rune) bool { return unicode.Is(unicode.Han, r) }

// normaliseText folds the full-width forms of Chinese typesetting to ASCII
// (：（）１ → :()1) so one pattern reads both.
func normaliseText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '！' && r <= '～':
			r = r - '！' + '!'
		case r == '\u3000':
			r = ' '
		case r == '。':
			r = '.'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// confOf is the least confidence of the runes in [from, to).
func (s span) confOf(from, to int) float64 {
	c := 1.0
	for i := max(from, 0); i < min(to, len(s.conf)); i++ {
		c = min(c, s.conf[i])
	}
	return c
}

// label finds one of labels in the line (spaces ignored, case folded) and
// returns the index in s.text just after it.
func (s span) label(labels []string) (int, bool) {
	// Compare without spaces, keeping the map back to s.text.
	var squashed []rune
	var at []int
	for i, r := range s.text {
		if r != ' ' {
			squashed = append(squashed, unicode.ToLower(r))
			at = append(at, i)
		}
	}
	text := string(squashed)
	// The value follows the last label: bilingual forms print the label
	// in both languages ("原产国 Country of origin:").
	end := -1
	for _, l := range labels {
		l = strings.ToLower(strings.ReplaceAll(l, " ", ""))
		if i := strings.LastIndex(text, l); i >= 0 {
			end = max(end, len([]rune(text[:i]))+len([]rune(l)))
		}
	}
	if end < 0 {
		end = fuzzyLabelEnd([]rune(text), labels)
	}
	switch {
	case end < 0:
		return 0, false
	case end >= len(at):
		return len(s.text), true
	default:
		return at[end], true
	}
}

// fuzzyLabelEnd finds a long label misread by a character or two ("country
// of orngin") and returns where in text it ends, or -1. Short labels are
// left exact: two edits turn one short word into another.
func fuzzyLabelEnd(text []rune, labels []string) int {
	best, bestEdits := -1, 3
	for _, l := range labels {
		label := []rune(strings.ToLower(strings.ReplaceAll(l, " ", "")))
		if len(label) < 10 {
			continue
		}
		for i := range text {
			for n := len(label) - 2; n <= len(label)+2; n++ {
				if i+n > len(text) {
					break
				}
				if d := editDistance(string(text[i:i+n]), string(label)); d < bestEdits {
					best, bestEdits = i+n, d
				}
			}
		}
	}
	return best
}

// valueAfter is the text after a label: on the same line after a colon or
// spaces, or, when the label ends its line, the next line.
func valueAfter(lines []span, i, at int) (span, int, int) {
	rest := lines[i].text[at:]
	skip := 0
	for skip < len(rest) && (rest[skip] == ':' || rest[skip] == ' ' || rest[skip] == '.' || rest[skip] == ')') {
		skip++
	}
	if strings.TrimSpace(string(rest[skip:])) != "" {
		return lines[i], at + skip, len(lines[i].text)
	}
	if i+1 < len(lines) {
		return lines[i+1], 0, len(lines[i+1].text)
	}
	return span{}, 0, 0
}

var (
	originLabels = []string{"原产国(地区)", "原产国", "原产地", "country of origin", "countryoforigin", "origin country"}
	batchLabels  = []string{"检疫批次号", "批次号", "批次", "batch no", "batch number"}
	// The result is stated twice on a quarantine certificate: in its row
	// and in the inspection body's opinion ("上述货物经检验检疫，合格。"),
	// which is read when the row's label was not.
	resultLabels = []string{"检疫结果", "评定结果", "结果", "result", "评定意见", "经检验检疫"}
	dateLabels   = []string{"签发日期", "签证日期", "检疫日期", "签发", "日期", "date of issue", "date"}
)

// FieldsOf names the fields a certificate of kind states.
func FieldsOf(kind string) []string {
	switch kind {
	case model.AttachmentOriginCertificate:
		return []string{FieldOrigin}
	case model.AttachmentQuarantineCertificate:
		return []string{FieldQuarantineBatchNo, FieldQuarantineResult, FieldQuarantineDate}
	}
	return nil
}

// Extract reads the fields of a certificate of kind (model.Attachment*
// kinds) off its recognised lines; a field not found is left out.
func Extract(kind string, lines []Line) []Field {
	spans := make([]span, len(lines))
	for i, l := range lines {
		spans[i] = joinLine(l)
	}
	var out []Field
	add := func(f Field, ok bool) {
		if ok {
			f.NeedsReview = f.Confidence < ReviewBelow
			out = append(out, f)
		}
	}
	switch kind {
	case model.AttachmentOriginCertificate:
		add(extractOrigin(spans))
	case model.AttachmentQuarantineCertificate:
		add(extractBatch(spans))
		add(extractResult(spans))
		add(extractDate(spans))
	}
	return out
}

func extractOrigin(lines []span) (Field, bool) {
	for i, l := range lines {
		at, ok := l.label(originLabels)
		if !ok {
			continue
		}
		v, from, to := valueAfter(lines, i, at)
		// Any window of a few words may be the name: bilingual forms print
		// it twice ("巴西 BRAZIL"), and either may be misread or carry
		// noise. The least corrected, longest, surest reading wins.
		var best Field
		bestEdits, found := 0, false
		tokens := tokenise(v.text, from, to)
		for n := 1; n <= 4; n++ {
			for k := 0; k+n <= len(tokens); k++ {
				a, b := tokens[k][0], tokens[k+n-1][1]
				text := string(v.text[a:b])
				c, edits, ok := matchCountry(text)
				if !ok {
					continue
				}
				conf := v.confOf(a, b)
				if edits > 0 {
					// A corrected name is likely right but is for a
					// person to confirm.
					conf = min(conf, 0.6)
				}
				f := Field{Name: FieldOrigin, Value: c.Code, ValueZh: c.Zh, Text: text, Confidence: percent(conf)}
				if !found || edits < bestEdits || edits == bestEdits && percent(conf) > best.Confidence {
					best, bestEdits, found = f, edits, true
				}
			}
		}
		if found {
			return best, true
		}
	}
	return Field{}, false
}

// tokenise splits text[from:to] into words: at spaces and punctuation, and
// where Han characters meet other letters.
func tokenise(text []rune, from, to int) [][2]int {
	var out [][2]int
	start := -1
	for i := from; i <= to; i++ {
		letter := i < to && (unicode.IsLetter(text[i]) || text[i] == '\'')
		if start >= 0 && (!letter || isCJK(text[i]) != isCJK(text[start])) {
			out = append(out, [2]int{start, i})
			start = -1
		}
		if letter && start < 0 {
			start = i
		}
	}
	return out
}

var batchPattern = regexp.MustCompile(`[0-9A-Z][0-9A-Z-]{7,24}`)

// digitLike maps letters OCR confuses with digits, applied to a batch
// number that is digits apart from them.
var digitLike = strings.NewReplacer("O", "0", "o", "0", "D", "0", "I", "1", "l", "1", "|", "1", "Z", "2", "S", "5", "B", "8")

func extractBatch(lines []span) (Field, bool) {
	for i, l := range lines {
		at, ok := l.label(batchLabels)
		if !ok {
			continue
		}
		v, from, to := valueAfter(lines, i, at)
		raw := string(v.text[from:to])
		loc := batchPattern.FindStringIndex(strings.ToUpper(strings.ReplaceAll(raw, " ", "")))
		if loc == nil {
			continue
		}
		value := strings.ToUpper(strings.ReplaceAll(raw, " ", ""))[loc[0]:loc[1]]
		conf := v.confOf(from, to)
		if fixed := fixDigits(value); fixed != value {
			value = fixed
			conf = min(conf, 0.6)
		}
		return Field{Name: FieldQuarantineBatchNo, Value: value, Text: strings.TrimSpace(raw), Confidence: percent(conf)}, true
	}
	return Field{}, false
}

// fixDigits corrects letters in a batch number that is mostly digits: the
// numbers are digit strings, with at most a letter prefix.
func fixDigits(s string) string {
	prefix := 0
	for prefix < len(s) && prefix < 4 && s[prefix] >= 'A' && s[prefix] <= 'Z' {
		prefix++
	}
	digits := 0
	for _, r := range s[prefix:] {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	body := s[prefix:]
	if digits*10 < len(body)*8 {
		return s
	}
	return s[:prefix] + digitLike.Replace(body)
}

func extractResult(lines []span) (Field, bool) {
	for i, l := range lines {
		at, ok := l.label(resultLabels)
		if !ok {
			continue
		}
		v, from, to := valueAfter(lines, i, at)
		text := strings.TrimSpace(string(v.text[from:to]))
		lower := strings.ToLower(strings.ReplaceAll(text, " ", ""))
		conf := v.confOf(from, to)
		var value model.QuarantineResult
		switch {
		case strings.Contains(lower, "不合格") || strings.Contains(lower, "unqualified") || strings.Contains(lower, "notqualified"):
			value = model.QuarantineUnqualified
		case notQualified.MatchString(lower):
			// 不 and 格 with the middle character misread: the negation
			// is what matters, and it was read; a person confirms.
			value, conf = model.QuarantineUnqualified, min(conf, 0.6)
		case strings.Contains(lower, "合格") || strings.Contains(lower, "qualified"):
			value = model.QuarantineQualified
		default:
			continue
		}
		return Field{Name: FieldQuarantineResult, Value: string(value), Text: text, Confidence: percent(conf)}, true
	}
	return Field{}, false
}

var notQualified = regexp.MustCompile(`不.格`)

// datePattern reads 2024年03月05日 and 2024-03-05 (or . /), letting a
// separator be doubled by a speck read as a point ("2023.-08-25").
var datePattern = regexp.MustCompile(`(\d{4})\s*[年./-][.,/-]?\s*(\d{1,2})\s*[月./-][.,/-]?\s*(\d{1,2})`)

// looseDatePattern reads a 年月日 date one of whose separators was misread
// ("2024年02有12昌"); the match must keep a 年 or 月 to be taken.
var looseDatePattern = regexp.MustCompile(`(\d{4})\s*[^\d\s]\s*(\d{1,2})\s*[^\d\s]\s*(\d{1,2})`)

// plausibleDate reports whether t may be the date of a certificate: a
// calendar date from 2000 to a year ahead of now. A misread number (the
// certificate's own number read as a date) falls outside.
func plausibleDate(t time.Time) bool {
	return t.Year() >= 2000 && t.Before(time.Now().AddDate(1, 0, 0))
}

func extractDate(lines []span) (Field, bool) {
	for i, l := range lines {
		at, ok := l.label(dateLabels)
		if !ok {
			continue
		}
		v, from, to := valueAfter(lines, i, at)
		if f, ok := readDate(v, from, to); ok {
			return f, true
		}
	}
	// The label misread: a quarantine certificate states one date, so a
	// date anywhere is likely it, for a person to confirm.
	for _, l := range lines {
		if f, ok := readDate(l, 0, len(l.text)); ok {
			f.Confidence = min(f.Confidence, 60)
			return f, true
		}
	}
	return Field{}, false
}

// readDate reads the first calendar date in v.text[from:to].
func readDate(v span, from, to int) (Field, bool) {
	text := string(v.text[from:to])
	m := datePattern.FindStringSubmatchIndex(text)
	loose := false
	if m == nil {
		if m = looseDatePattern.FindStringSubmatchIndex(text); m == nil || !strings.ContainsAny(text[m[0]:m[1]], "年月") {
			return readRunTogetherDate(v, from, to)
		}
		loose = true
	}
	var y, mo, d int
	if _, err := fmt.Sscanf(text[m[2]:m[3]]+" "+text[m[4]:m[5]]+" "+text[m[6]:m[7]], "%d %d %d", &y, &mo, &d); err != nil {
		return Field{}, false
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d || !plausibleDate(t) {
		return Field{}, false // not a certificate's date: misread
	}
	runeFrom := from + len([]rune(text[:m[0]]))
	runeTo := from + len([]rune(text[:m[1]]))
	conf := v.confOf(runeFrom, runeTo)
	if loose || strings.Contains(text[m[0]:m[1]], "年") && !strings.HasPrefix(strings.TrimSpace(text[m[1]:]), "日") {
		// 年…月… without its 日: the day may have lost a digit to the
		// misread character after it ("2026年03月2" of 20日). A date with
		// a separator misread is for a person to confirm too.
		conf = min(conf, 0.5)
	}
	return Field{Name: FieldQuarantineDate, Value: t.Format(time.DateOnly), Text: text[m[0]:m[1]],
		Confidence: percent(conf)}, true
}

var digitRun = regexp.MustCompile(`\d{8,11}`)

// readRunTogetherDate reads a date whose 年, 月 and 日 were read as digits or
// dropped ("2023年06月20日" as "2023068208"), when exactly one calendar date
// fits: a four-digit year, then month and day of one or two digits, each
// maybe followed by one misread character. The value is for a person to
// confirm.
func readRunTogetherDate(v span, from, to int) (Field, bool) {
	text := string(v.text[from:to])
	loc := digitRun.FindStringIndex(text)
	if loc == nil {
		return Field{}, false
	}
	run := text[loc[0]:loc[1]]
	found := map[string]bool{}
	year, rest := run[:4], run[4:]
	for _, sep1 := range []int{0, 1} {
		for _, mlen := range []int{1, 2} {
			for _, sep2 := range []int{0, 1} {
				for _, dlen := range []int{1, 2} {
					for _, sep3 := range []int{0, 1} {
						if sep1+mlen+sep2+dlen+sep3 != len(rest) {
							continue
						}
						month := rest[sep1 : sep1+mlen]
						day := rest[sep1+mlen+sep2 : sep1+mlen+sep2+dlen]
						var y, mo, d int
						if _, err := fmt.Sscanf(year+" "+month+" "+day, "%d %d %d", &y, &mo, &d); err != nil {
							continue
						}
						t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
						if t.Year() == y && int(t.Month()) == mo && t.Day() == d && plausibleDate(t) {
							found[t.Format(time.DateOnly)] = true
						}
					}
				}
			}
		}
	}
	if len(found) != 1 {
		return Field{}, false
	}
	var value string
	for d := range found {
		value = d
	}
	runeFrom := from + len([]rune(text[:loc[0]]))
	conf := min(v.confOf(runeFrom, runeFrom+len(run)), 0.5)
	return Field{Name: FieldQuarantineDate, Value: value, Text: run, Confidence: percent(conf)}, true
}

// TextLines splits a text layer (pdftotext) into lines of full confidence.
func TextLines(text string) []Line {
	var out []Line
	for _, l := range strings.Split(text, "\n") {
		var line Line
		for _, w := range strings.Fields(l) {
			line = append(line, Word{Text: w, Confidence: 1})
		}
		if len(line) > 0 {
			out = append(out, line)
		}
	}
	return out
}
