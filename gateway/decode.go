package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

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
