package models

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
)

// Figure is a count as a client sends it, in one of three states: left out
// (Given false: the server derives it), null (Given, Value nil: nobody
// knows it) or a number. A *int cannot tell the first two apart, and
// "the source does not say how many were wounded" must never be read as
// "no one was wounded".
type Figure struct {
	Given bool
	Value *int
}

// Known is a figure given as n.
func Known(n int) Figure { return Figure{Given: true, Value: &n} }

// Unknown is a figure given as null.
func Unknown() Figure { return Figure{Given: true} }

// FigureOf is a figure given as p: a number, or null when p is nil.
func FigureOf(p *int) Figure {
	if p == nil {
		return Unknown()
	}
	return Known(*p)
}

// IsZero makes a left-out figure disappear under omitzero.
func (f Figure) IsZero() bool { return !f.Given }

// UnmarshalJSON is called for a present key only, null included.
func (f *Figure) UnmarshalJSON(b []byte) error {
	f.Given, f.Value = true, nil
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		kind := "number"
		switch b[0] {
		case '"':
			kind = "string"
		case '[':
			kind = "array"
		case '{':
			kind = "object"
		case 't', 'f':
			kind = "bool"
		}
		// The decoder adds the field's path to a type error, which
		// jsonError turns into a message naming it.
		return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeFor[int]()}
	}
	f.Value = &n
	return nil
}

// MarshalJSON writes a given figure as its number or null.
func (f Figure) MarshalJSON() ([]byte, error) {
	if f.Value == nil {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, int64(*f.Value), 10), nil
}

// Same reports whether two figures are both unknown or both the same number.
func Same(a, b *int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// Value0 is what a figure counts for in a sum of known values: 0 when it is
// unknown.
func Value0(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
