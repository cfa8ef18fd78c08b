package documents

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/validation"
	"zonetrace/network/ledger"
)

// refusalField finds the field a chaincode problem is about: its message
// starts with the field path (chaincode/contract/docvalidate.go), e.g.
// "lines[3].traceCode KS… is not a valid trace code".
var refusalField = regexp.MustCompile(`^(lines\[(\d+)\](\.[A-Za-z]+)?|head\.[A-Za-z]+|lines)`)

// lineRefusals turns the chaincode's INVALID_ARGUMENT answer, which lists
// its problems separated by "; ", into 422 details naming each field, so a
// declarant sees which line to fix. Other errors pass unchanged.
func lineRefusals(err error) error {
	var cc *ledger.ChaincodeError
	if !errors.As(err, &cc) {
		return err
	}
	parsed, ok := model.ParseError(cc.Message)
	if !ok || parsed.Code != model.CodeInvalid {
		return err
	}
	var p validation.Problems
	for _, part := range strings.Split(parsed.Message, "; ") {
		part = strings.TrimSpace(part)
		m := refusalField.FindStringSubmatch(part)
		switch {
		case m == nil:
			p.Add("document", part, "单据被拒绝："+part)
		case m[2] != "":
			n, _ := strconv.Atoi(m[2])
			p.Add(m[1], part, fmt.Sprintf("第%d行：%s", n+1, part))
		default:
			p.Add(m[1], part, "单据被拒绝："+part)
		}
	}
	e := apierror.Ledger(err)
	e.Details = p
	return e
}
