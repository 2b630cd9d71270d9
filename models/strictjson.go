package models

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// keySchema lists the exact object keys allowed at one place of a JSON
// document. encoding/json matches keys without regard to case and lets a
// repeated key win silently; both would let {"KILLED": 5} or a duplicated
// "type" through, so bodies are checked against the schema first.
//
// A null where the Go type cannot hold one (an element of a list of
// names) would decode silently as "" and vanish, so the schema also marks
// where null is refused.
type keySchema struct {
	fields  map[string]*keySchema // nil: any object, not checked further
	elem    *keySchema            // for arrays
	notNull bool
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

func schemaOf(t reflect.Type) *keySchema {
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return &keySchema{} // decodes itself, null included (a Figure)
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := *schemaOf(t.Elem())
		s.notNull = false
		return &s
	case reflect.Slice:
		// A list may be null (left out); its elements follow their type.
		return &keySchema{elem: schemaOf(t.Elem())}
	case reflect.Struct:
		s := &keySchema{fields: map[string]*keySchema{}, notNull: true}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" && f.Anonymous && f.Type.Kind() == reflect.Struct {
				// An embedded struct's fields are the outer object's, as
				// encoding/json reads them.
				for k, v := range schemaOf(f.Type).fields {
					s.fields[k] = v
				}
				continue
			}
			if name == "" || name == "-" {
				continue
			}
			s.fields[name] = schemaOf(f.Type)
		}
		return s
	}
	return &keySchema{notNull: true}
}

var incidentSchema = schemaOf(reflect.TypeOf(IncidentInput{}))

// maxDepth bounds nesting; an incident needs three levels.
const maxDepth = 32

func checkKeys(body []byte, schema *keySchema) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := walk(dec, schema, "", 0)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil // the decoder proper reports truncation with more context
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return nil
	}
	return err
}

func walk(dec *json.Decoder, schema *keySchema, path string, depth int) error {
	if depth > maxDepth {
		return FieldErrorf(Malformed, "the body is nested too deeply", orBody(path), "more than %d levels of nesting", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil && schema != nil && schema.notNull {
		return FieldErrorf(Invalid, "a value is null where it cannot be", orBody(path), "must not be null; leave it out instead")
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			field := key
			if path != "" {
				field = path + "." + key
			}
			var child *keySchema
			if schema != nil && schema.fields != nil {
				c, known := schema.fields[key]
				if !known {
					return FieldErrorf(Malformed, "the body has an unknown field", field, "unknown field (names are snake_case and case-sensitive)")
				}
				child = c
			}
			if seen[key] {
				return FieldErrorf(Malformed, "the body repeats a field", field, "is given twice")
			}
			seen[key] = true
			if err := walk(dec, child, field, depth+1); err != nil {
				return err
			}
		}
	case '[':
		var elem *keySchema
		if schema != nil {
			elem = schema.elem
		}
		for i := 0; dec.More(); i++ {
			if err := walk(dec, elem, path+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

func orBody(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

// loneSurrogate reports whether body escapes half of a UTF-16 surrogate
// pair ("\ud800" alone), which encoding/json would store as U+FFFD.
func loneSurrogate(body []byte) bool {
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' || i+1 >= len(body) {
			continue
		}
		if body[i+1] != 'u' {
			i++ // skip the escaped character, so "\\u" is not read as an escape
			continue
		}
		v, ok := hex4(body, i+2)
		if !ok {
			continue
		}
		switch {
		case v >= 0xD800 && v <= 0xDBFF:
			if i+11 < len(body)+0 && body[i+6] == '\\' && body[i+7] == 'u' {
				if lo, ok := hex4(body, i+8); ok && lo >= 0xDC00 && lo <= 0xDFFF {
					i += 11
					continue
				}
			}
			return true
		case v >= 0xDC00 && v <= 0xDFFF:
			return true
		}
		i += 5
	}
	return false
}

func hex4(b []byte, at int) (int, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[at:at+4]), 16, 16)
	return int(v), err == nil
}

// DecodeCell decodes the JSON of a CSV cell (casualties, sources) into v,
// a pointer to a slice, by the rules of a body: exact keys, none repeated
// or unknown, no null where the type holds none. Errors name the cell's
// column with the path inside it (casualties[1].killed).
func DecodeCell(cell []byte, column string, v any) error {
	err := decodeStrict(cell, v, schemaOf(reflect.TypeOf(v).Elem()))
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	for i, f := range e.Fields {
		switch {
		case f.Field == "body":
			e.Fields[i].Field = column
		case strings.HasPrefix(f.Field, "["):
			e.Fields[i].Field = column + f.Field
		default:
			e.Fields[i].Field = column + "." + f.Field
		}
	}
	return e
}
