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

// textProblem says what is wrong with s as text the node can store and
// put on the chain, or "" when nothing is: it must be valid UTF-8 without
// control characters (NUL above all, which PostgreSQL refuses). Free text
// may hold tabs and line breaks; names, paths and query values may not.
func textProblem(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, r := range s {
		if multiline && (r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) {
			return fmt.Sprintf("control character U+%04X", r)
		}
	}
	return ""
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

// badText is the 400 answer for unacceptable text in field.
func badText(field, problem string) *apierror.Error {
	return badRequest(field, "must be valid UTF-8 text without control characters ("+problem+")",
		"须为有效的UTF-8文本，且不得含控制字符")
}

// checkJSONText walks every key and string of a JSON body, before it is
// decoded (decoding would silently turn invalid UTF-8 into U+FFFD), and
// refuses the first bad one naming its field. Malformed JSON is left to
// the decoder to report.
func checkJSONText(body []byte) error {
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
			problem := ""
			if !utf8.Valid(raw) {
				problem = "invalid UTF-8"
			} else {
				problem = textProblem(t, !isKey)
			}
			if isKey {
				if problem != "" {
					return badText(path(printable(t)), problem)
				}
				stack[len(stack)-1].key, stack[len(stack)-1].wantKey = t, false
				continue
			}
			if problem != "" {
				return badText(path(""), problem)
			}
			afterValue()
		default:
			afterValue()
		}
	}
}

// checkPathAndQuery refuses unacceptable text in the request path and in
// every query parameter's name and value (with the query left undecodable
// named as a whole).
func checkPathAndQuery(r *http.Request) error {
	if p := textProblem(r.URL.Path, false); p != "" {
		return badText("path", p)
	}
	if r.URL.RawQuery == "" {
		return nil
	}
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return badRequest("query", "malformed query string", "查询参数格式错误")
	}
	for name, list := range values {
		if p := textProblem(name, false); p != "" {
			return badText("query", p)
		}
		for _, v := range list {
			if p := textProblem(v, false); p != "" {
				return badText(name, p)
			}
		}
	}
	return nil
}

// parseMultipart reads a multipart/form-data body (413 when too large,
// 400 when malformed) and checks the text of its names and values; the
// handler then reads fields with c.PostForm and c.FormFile.
func parseMultipart(c *gin.Context, fileField string) error {
	form, err := c.MultipartForm()
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return apierror.New(apierror.PayloadTooLarge).WithCause(err)
		}
		return badRequest(fileField, "a multipart/form-data body with the field "+fileField+" is required",
			"须以multipart/form-data上传，表单字段"+fileField).WithCause(err)
	}
	return checkMultipartText(form)
}

// checkMultipartText refuses unacceptable text in the field names, values
// and file names of a parsed multipart form.
func checkMultipartText(form *multipart.Form) error {
	if form == nil {
		return nil
	}
	for name, list := range form.Value {
		if p := textProblem(name, false); p != "" {
			return badText("(multipart field name)", p)
		}
		for _, v := range list {
			if p := textProblem(v, true); p != "" {
				return badText(name, p)
			}
		}
	}
	for name, files := range form.File {
		if p := textProblem(name, false); p != "" {
			return badText("(multipart field name)", p)
		}
		for _, f := range files {
			if p := textProblem(f.Filename, false); p != "" {
				return badText(name+".filename", p)
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
