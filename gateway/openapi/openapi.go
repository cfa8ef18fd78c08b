// Package openapi builds the OpenAPI 3.0 document of the gateway from a
// table of operations whose request and response bodies are Go values: the
// schemas come from the very types the handlers encode, so they cannot
// drift from the code.
package openapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Operation is one route of the API.
type Operation struct {
	Method  string
	Path    string // OpenAPI form: /api/v1/prefilings/{id}
	Tag     string
	Summary string
	// Public operations need no bearer token.
	Public bool
	// Idempotent writes accept an Idempotency-Key header and ?wait=indexed.
	Idempotent bool
	Query      []Param
	// Request is a sample of the JSON body, Multipart a file upload; nil
	// and false mean no body.
	Request   any
	Multipart bool
	Status    int
	// Response is a sample of the JSON answer (nil: none, or Content).
	Response any
	// Content is a non-JSON answer's media type (image/png, ...).
	Content string
}

// Param is a query parameter.
type Param struct {
	Name        string
	Description string
	Type        string // string | integer | boolean
	Enum        []string
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// Build renders the document.
func Build(title, version string, ops []Operation, enums Enums) ([]byte, error) {
	s := newSchemas(enums)
	paths := map[string]map[string]any{}
	for _, op := range ops {
		if paths[op.Path] == nil {
			paths[op.Path] = map[string]any{}
		}
		item, err := s.operation(op)
		if err != nil {
			return nil, fmt.Errorf("document %s %s: %w", op.Method, op.Path, err)
		}
		paths[op.Path][strings.ToLower(op.Method)] = item
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": title, "version": version},
		"paths":   paths,
		"components": map[string]any{
			"schemas": s.components,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer"},
			},
		},
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode OpenAPI document: %w", err)
	}
	return out, nil
}

func (s *schemas) operation(op Operation) (map[string]any, error) {
	item := map[string]any{
		"summary":     op.Summary,
		"operationId": operationID(op),
		"tags":        []string{op.Tag},
	}
	if !op.Public {
		item["security"] = []map[string][]string{{"bearer": {}}}
	}
	var params []map[string]any
	for _, m := range pathParam.FindAllStringSubmatch(op.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range op.Query {
		schema := map[string]any{"type": q.Type}
		if len(q.Enum) > 0 {
			schema["enum"] = q.Enum
		}
		params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": schema})
	}
	if op.Idempotent {
		params = append(params,
			map[string]any{"name": "Idempotency-Key", "in": "header", "description": "1-64 characters of [A-Za-z0-9._:-]; a repeat returns the first response",
				"schema": map[string]any{"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$"}},
			map[string]any{"name": "wait", "in": "query", "description": "indexed: answer once the indexer mirrored the committing block",
				"schema": map[string]any{"type": "string", "enum": []string{"indexed"}}})
	}
	if len(params) > 0 {
		item["parameters"] = params
	}
	switch {
	case op.Multipart:
		item["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"multipart/form-data": map[string]any{"schema": map[string]any{
				"type": "object", "required": []string{"file"},
				"properties": map[string]any{"file": map[string]any{"type": "string", "format": "binary"}},
			}},
		}}
	case op.Request != nil:
		schema, err := s.of(op.Request)
		if err != nil {
			return nil, err
		}
		item["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
	}
	ok := map[string]any{"description": http.StatusText(op.Status)}
	switch {
	case op.Content != "":
		ok["content"] = map[string]any{op.Content: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
	case op.Response != nil:
		schema, err := s.of(op.Response)
		if err != nil {
			return nil, err
		}
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": schema}}
	}
	errSchema, err := s.of(ErrorBody{})
	if err != nil {
		return nil, err
	}
	item["responses"] = map[string]any{
		strconv.Itoa(op.Status): ok,
		"default":               map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": errSchema}}},
	}
	return item, nil
}

// operationID is method + path words in camel case, unique per route.
func operationID(op Operation) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.Method))
	for _, part := range strings.FieldsFunc(op.Path, func(r rune) bool { return r == '/' || r == '-' || r == '.' || r == '{' || r == '}' }) {
		if part == "api" || part == "v1" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
