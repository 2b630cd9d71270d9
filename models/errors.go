package models

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Code classifies an Error so the HTTP layer can map it to a status in one
// table and the CLI to an exit message, without either parsing text.
type Code string

// The error codes used across the service.
const (
	Invalid      Code = "invalid"      // the input breaks a rule (422)
	Malformed    Code = "malformed"    // the input cannot be read at all (400)
	NotFound     Code = "not_found"    // no such resource (404)
	Conflict     Code = "conflict"     // clashes with stored data, such as a taken external_id (409)
	Precondition Code = "precondition" // If-Match names a version that is no longer current (412)
	TooLarge     Code = "too_large"    // the body exceeds its limit (413)
	Unsupported  Code = "unsupported"  // the body's Content-Type or Content-Encoding is not one we read (415)
	// MethodNotAllowed: the path exists, not with this method (405).
	MethodNotAllowed Code = "method_not_allowed"
	// StorageFull: the database has no room left (507).
	StorageFull  Code = "storage_full"
	Unauthorized Code = "unauthorized" // no key, or an unknown or revoked one (401)
	Forbidden    Code = "forbidden"    // the key's role may not do this (403)
	Internal     Code = "internal"     // our fault; details are logged, never sent
)

// FieldError says which field of the input is wrong and why. Field uses the
// JSON names and paths a client sent ("casualties[2].nationality") or the
// query parameter name.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	// Line is the line of an imported file the problem is on, when it is.
	Line int `json:"line,omitempty"`
}

// Error is the one error type the store, the models and the handlers share.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	// Current carries the stored version on a Precondition error, so a client
	// can refetch and retry without guessing.
	Current int
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return e.Message + ": " + strings.Join(parts, "; ")
}

// Errorf builds an Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, ClipArgs(args)...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or Internal
// for any other non-nil error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// FieldErrors collects field-level problems so that validation reports every
// failing field at once instead of stopping at the first.
type FieldErrors []FieldError

// Add records one problem with a field.
func (fe *FieldErrors) Add(field, format string, args ...any) {
	*fe = append(*fe, FieldError{Field: Clip(field), Message: fmt.Sprintf(format, ClipArgs(args)...)})
}

// Err returns nil when nothing was recorded, otherwise an Invalid *Error.
func (fe FieldErrors) Err(message string) error {
	if len(fe) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: message, Fields: fe}
}

// AsMalformed turns an Invalid error from FieldErrors.Err into a Malformed
// one: the same field errors, for input that could not be read at all (a
// query string).
func AsMalformed(err error) error {
	var e *Error
	if errors.As(err, &e) {
		e.Code = Malformed
	}
	return err
}

// maxEcho is how much of a value a client sent an error message quotes:
// enough for any real name and for the lists of allowed values messages
// give, and a bound on an answer to a 50 MB header line.
const maxEcho = 300

// Clip shortens a value a client sent to what an error message may quote
// of it, marking the cut.
func Clip(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d bytes in all)", len(s))
}

// ClipArgs clips the strings among the arguments of an error message,
// which are most often what a client sent.
func ClipArgs(args []any) []any {
	for i, a := range args {
		if s, ok := a.(string); ok && len(s) > maxEcho {
			args[i] = Clip(s)
		}
	}
	return args
}

// FieldErrorf is an Error of code about one field: message says what is
// wrong with the request, the formatted text what is wrong with the field.
func FieldErrorf(code Code, message, field, format string, args ...any) *Error {
	return &Error{Code: code, Message: message,
		Fields: []FieldError{{Field: Clip(field), Message: fmt.Sprintf(format, ClipArgs(args)...)}}}
}

// Malformedf is a request that cannot be read, because of one field or
// parameter (400).
func Malformedf(field, format string, args ...any) *Error {
	return FieldErrorf(Malformed, "the request is not valid", field, format, args...)
}

// Invalidf is input that breaks a rule in one field (422).
func Invalidf(field, format string, args ...any) *Error {
	return FieldErrorf(Invalid, "the input is not valid", field, format, args...)
}

// Conflictf is input that clashes with stored data in one field (409).
func Conflictf(field, format string, args ...any) *Error {
	return FieldErrorf(Conflict, "the input conflicts with stored data", field, format, args...)
}

// NotFoundf is a missing resource, named by the field that named it (404).
func NotFoundf(field, format string, args ...any) *Error {
	return FieldErrorf(NotFound, "no such resource", field, format, args...)
}

// Unauthorizedf is a request without a usable key (401).
func Unauthorizedf(message, format string, args ...any) *Error {
	return FieldErrorf(Unauthorized, message, "Authorization", format, args...)
}

// Forbiddenf is a key whose role may not do this (403).
func Forbiddenf(message, format string, args ...any) *Error {
	return FieldErrorf(Forbidden, message, "Authorization", format, args...)
}

// TooLargef is a body over its limit (413).
func TooLargef(message, format string, args ...any) *Error {
	return FieldErrorf(TooLarge, message, "body", format, args...)
}
