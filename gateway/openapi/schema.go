package openapi

import (
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
)

// Enums gives the accepted values of named string types.
type Enums map[reflect.Type][]string

// ErrorBody documents the error answer (docs/api.md "Errors").
type ErrorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		MessageZh string `json:"messageZh"`
		Details   []struct {
			Field     string `json:"field"`
			Message   string `json:"message"`
			MessageZh string `json:"messageZh"`
		} `json:"details,omitempty"`
	} `json:"error"`
}

type schemas struct {
	enums      Enums
	components map[string]any
	names      map[reflect.Type]string
}

func newSchemas(enums Enums) *schemas {
	return &schemas{enums: enums, components: map[string]any{}, names: map[reflect.Type]string{}}
}

var timeType = reflect.TypeOf(time.Time{})

// of returns the schema of v's type; named structs become components.
func (s *schemas) of(v any) (map[string]any, error) {
	return s.typ(reflect.TypeOf(v))
}

func (s *schemas) typ(t reflect.Type) (map[string]any, error) {
	if vals, ok := s.enums[t]; ok {
		return map[string]any{"type": "string", "enum": vals}, nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return s.typ(t.Elem())
	case reflect.Interface:
		return map[string]any{}, nil // any JSON value
	case reflect.String:
		return map[string]any{"type": "string"}, nil
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}, nil
	case reflect.Slice:
		items, err := s.typ(t.Elem())
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "array", "items": items}, nil
	case reflect.Array:
		items, err := s.typ(t.Elem())
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "array", "items": items, "minItems": t.Len(), "maxItems": t.Len()}, nil
	case reflect.Map:
		values, err := s.typ(t.Elem())
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "object", "additionalProperties": values}, nil
	case reflect.Struct:
		if t == timeType {
			return map[string]any{"type": "string", "format": "date-time"}, nil
		}
		if t.Name() == "" {
			return s.object(t)
		}
		return s.component(t)
	}
	return nil, fmt.Errorf("no schema for Go type %s", t)
}

func (s *schemas) component(t reflect.Type) (map[string]any, error) {
	name, ok := s.names[t]
	if !ok {
		name = componentName(t)
		for _, taken := range s.names {
			if taken == name {
				return nil, fmt.Errorf("two Go types named %s", name)
			}
		}
		s.names[t] = name
		obj, err := s.object(t)
		if err != nil {
			return nil, err
		}
		s.components[name] = obj
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}, nil
}

// componentName strips the gateway's JSON-type suffix and capitalises.
func componentName(t reflect.Type) string {
	n := strings.TrimSuffix(t.Name(), "JSON")
	r := []rune(n)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func (s *schemas) object(t reflect.Type) (map[string]any, error) {
	props := map[string]any{}
	var required []string
	if err := s.fields(t, props, &required); err != nil {
		return nil, err
	}
	obj := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		obj["required"] = required
	}
	return obj, nil
}

// fields adds t's JSON fields, flattening embedded structs as
// encoding/json does; fields without omitempty are required.
func (s *schemas) fields(t reflect.Type, props map[string]any, required *[]string) error {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			if err := s.fields(f.Type, props, required); err != nil {
				return err
			}
			continue
		}
		if tag == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		schema, err := s.typ(f.Type)
		if err != nil {
			return fmt.Errorf("field %s.%s: %w", t.Name(), f.Name, err)
		}
		props[name] = schema
		if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
			*required = append(*required, name)
		}
	}
	return nil
}
