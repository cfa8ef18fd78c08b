package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/validation"
)

// decodeJSON reads the request body into dst strictly: one JSON value, no
// unknown fields, the right types. Its errors are BAD_REQUEST (or
// PAYLOAD_TOO_LARGE) naming the field at fault.
func decodeJSON(c *gin.Context, dst any) error {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return apierror.New(apierror.PayloadTooLarge).WithCause(err)
		}
		return apierror.New(apierror.BadRequest).WithCause(err)
	}
	return decodeStrict(body, dst)
}

func decodeStrict(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("", "request body must be a JSON object", "请求体须为JSON对象")
	}
	if err := checkJSONText(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return badRequest("", "request body must hold exactly one JSON value", "请求体只能包含一个JSON值")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("", "request body must hold exactly one JSON value", "请求体只能包含一个JSON值")
	}
	return nil
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return badRequest("", fmt.Sprintf("malformed JSON at byte %d", syntax.Offset), fmt.Sprintf("JSON格式错误（第%d字节）", syntax.Offset))
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "(body)"
		}
		return badRequest(field, field+" must be a JSON "+jsonType(typeErr.Type.Kind().String()), "字段 "+field+" 类型错误")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "malformed JSON: unexpected end", "JSON格式错误：内容不完整")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return badRequest(field, "unknown field", "未知字段")
	}
	return badRequest("", "malformed JSON", "JSON格式错误")
}

// checkText refuses (400, with the model's rule INVALID_UTF8 or
// CONTROL_CHARACTER and its position as details) text the node cannot
// store or put on the chain: chaincode/model.CheckText is the one rule.
// This generic check runs where the field's own rule is not known (paths,
// query strings, every JSON string): free text may hold tabs and line
// breaks here, and a single-line field's own check refuses them later.
func checkText(field, s string, multiLine bool) error {
	ps := model.CheckText(field, s, model.TextRule{MultiLine: multiLine})
	if len(ps) == 0 {
		return nil
	}
	e := apierror.Newf(apierror.BadRequest, "text must be valid UTF-8 without control characters",
		"文本须为有效的UTF-8编码，且不得含控制字符")
	e.Details = []validation.Problem{validation.From(ps[0])}
	return e
}

// printable shows a refused name with its bad characters as '?', so the
// answer naming it carries no control characters itself.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

// checkJSONText walks every key and string of a JSON body, before it is
// decoded (decoding would silently turn invalid UTF-8 into U+FFFD), and
// refuses the first bad one naming its field. Malformed JSON is left to
// the decoder to report.
func checkJSONText(body []byte) error {
	if plainJSONText(body) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	type level struct {
		object  bool
		key     string
		index   int
		wantKey bool
	}
	var stack []level
	path := func(key string) string {
		var b strings.Builder
		for _, l := range stack {
			if l.object {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(l.key)
			} else {
				fmt.Fprintf(&b, "[%d]", l.index)
			}
		}
		if key != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(key)
		}
		if b.Len() == 0 {
			return "(body)"
		}
		return b.String()
	}
	// afterValue moves the enclosing container past one value.
	afterValue := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].wantKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	start := int64(0)
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // io.EOF, or malformed JSON the decoder reports
		}
		raw := body[start:dec.InputOffset()]
		start = dec.InputOffset()
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, level{object: t == '{', wantKey: t == '{'})
			case '}', ']':
				stack = stack[:len(stack)-1]
				afterValue()
			}
		case string:
			isKey := len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].wantKey
			text := t
			if !utf8.Valid(raw) {
				text = string(raw) // the decoder replaced the bad bytes in t
			}
			// The field's path is built only for a refusal.
			if checkText("", text, !isKey) != nil {
				field := path("")
				if isKey {
					field = path(printable(t))
				}
				return checkText(field, text, !isKey)
			}
			if isKey {
				stack[len(stack)-1].key, stack[len(stack)-1].wantKey = t, false
				continue
			}
			afterValue()
		default:
			afterValue()
		}
	}
}

// plainJSONText reports, in a few fast passes, that no string of body can
// hold unacceptable text, so the token walk can be skipped: valid UTF-8, no
// escapes (without a backslash every string is its raw bytes, and raw
// control characters inside a string are a syntax error the decoder
// reports), no DEL and no C1 control (U+0080-U+009F, UTF-8 C2 80-9F).
func plainJSONText(body []byte) bool {
	if bytes.IndexByte(body, '\\') >= 0 || bytes.IndexByte(body, 0x7f) >= 0 || !utf8.Valid(body) {
		return false
	}
	for i := bytes.IndexByte(body, 0xc2); i >= 0; {
		if i+1 < len(body) && body[i+1] >= 0x80 && body[i+1] <= 0x9f {
			return false
		}
		next := bytes.IndexByte(body[i+1:], 0xc2)
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return true
}

// checkPathAndQuery refuses unacceptable text in the request path and in
// every query parameter's name and value (with the query left undecodable
// named as a whole).
func checkPathAndQuery(r *http.Request) error {
	if err := checkText("path", r.URL.Path, false); err != nil {
		return err
	}
	if r.URL.RawQuery == "" {
		return nil
	}
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return badRequest("query", "malformed query string", "查询参数格式错误")
	}
	for name, list := range values {
		if err := checkText("query", name, false); err != nil {
			return err
		}
		for _, v := range list {
			if err := checkText(name, v, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseMultipart reads a multipart/form-data body (413 when too large, 400
// when malformed — Go's reader refuses some control characters in part
// headers itself) and checks the text of its names and values. A body that
// is not a multipart form is left to the handler, whose c.FormFile then
// reports the missing file in its own terms.
func parseMultipart(c *gin.Context) error {
	form, err := c.MultipartForm()
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return apierror.New(apierror.PayloadTooLarge).WithCause(err)
	case errors.Is(err, http.ErrNotMultipart):
		return nil
	case err != nil:
		return badRequest("file", "malformed multipart/form-data body", "multipart表单格式错误").WithCause(err)
	}
	return checkMultipartText(form)
}

// uploadedFile opens the multipart field "file" of an import once the form
// passed parseMultipart; what and whatZh name the file the import wants.
func uploadedFile(c *gin.Context, what, whatZh string) (multipart.File, *multipart.FileHeader, error) {
	if err := parseMultipart(c); err != nil {
		return nil, nil, err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, nil, badRequest("file", "a multipart field file with the "+what+" is required", "请上传"+whatZh+"（表单字段file）")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("open uploaded %s: %w", what, err)
	}
	return f, fh, nil
}

// checkMultipartText refuses unacceptable text in the field names, values
// and file names of a parsed multipart form.
func checkMultipartText(form *multipart.Form) error {
	if form == nil {
		return nil
	}
	for name, list := range form.Value {
		if err := checkText("(multipart field name)", name, false); err != nil {
			return err
		}
		for _, v := range list {
			if err := checkText(name, v, true); err != nil {
				return err
			}
		}
	}
	for name, files := range form.File {
		if err := checkText("(multipart field name)", name, false); err != nil {
			return err
		}
		for _, f := range files {
			if err := checkText(name+".filename", f.Filename, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	}
	return "number (" + kind + ")"
}

func badRequest(field, message, messageZh string) *apierror.Error {
	e := apierror.Newf(apierror.BadRequest, message, messageZh)
	if field != "" {
		e.Details = []validation.Problem{{Field: field, Message: message, MessageZh: messageZh}}
	}
	return e
}

// pageParams reads page and pageSize (1-based, pageSize 1–200, default 20).
func pageParams(c *gin.Context) (page, pageSize int, err error) {
	page, pageSize = 1, 20
	var p validation.Problems
	if v := c.Query("page"); v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil {
			return 0, 0, badRequest("page", "must be an integer", "页码须为整数")
		}
		if n < 1 {
			p.Add("page", "must be >= 1", "页码须不小于1")
		}
		page = n
	}
	if v := c.Query("pageSize"); v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil {
			return 0, 0, badRequest("pageSize", "must be an integer", "每页条数须为整数")
		}
		if n < 1 || n > 200 {
			p.Add("pageSize", "must be between 1 and 200", "每页条数须在1到200之间")
		}
		pageSize = n
	}
	return page, pageSize, p.Err()
}
