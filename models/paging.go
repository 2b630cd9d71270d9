package models

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sort orders a list. The key is one indexed column plus id, so that keyset
// paging has a total order.
type Sort string

// The sort orders of DESIGN.md; the default is newest first.
var Sorts = []Sort{"-occurred_on", "occurred_on", "killed", "-killed", "wounded", "-wounded", "id", "updated_at"}

// Column is the sort key without its direction.
func (s Sort) Column() string { return strings.TrimPrefix(string(s), "-") }

// Desc reports whether the order is descending.
func (s Sort) Desc() bool { return strings.HasPrefix(string(s), "-") }

// Cursor is the position after the last row of a page: the sort key's value
// and the id. It is opaque to clients; the sort is part of it so that a
// cursor cannot be replayed under another order.
type Cursor struct {
	Sort  Sort
	Value string
	ID    int64
}

// Encode renders the cursor as an opaque URL-safe token.
func (c Cursor) Encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s|%s|%d", c.Sort, c.Value, c.ID)))
}

// Page is the paging part of a list request.
type Page struct {
	Sort   Sort
	Limit  int
	Cursor *Cursor
}

// ListParams are the parameters the list takes on top of the filters.
var ListParams = []string{"sort", "limit", "cursor", "deleted", "updated_since"}

// ParsePage reads sort, limit and cursor; the filter parameters are read by
// ParseFilter.
func ParsePage(v url.Values) (Page, error) {
	var fe FieldErrors
	p := Page{Sort: Sorts[0], Limit: DefaultLimit}
	if s, ok := singleParam(&fe, v, "sort"); ok {
		if !slices.Contains(Sorts, Sort(s)) {
			fe.Add("sort", "%q is not a sort order; one of %s", s, strings.Join(Names(Sorts), ", "))
		} else {
			p.Sort = Sort(s)
		}
	}
	if l := intParam(&fe, v, "limit", 1, MaxLimit); l != nil {
		p.Limit = *l
	}
	if s, ok := singleParam(&fe, v, "cursor"); ok {
		c, err := decodeCursor(s)
		switch {
		case err != nil:
			fe.Add("cursor", "is not a cursor this service issued")
		case c.Sort != p.Sort:
			fe.Add("cursor", "was issued for sort=%s, not sort=%s", c.Sort, p.Sort)
		default:
			p.Cursor = &c
		}
	}
	if err := fe.Err("the query is not valid"); err != nil {
		return Page{}, AsMalformed(err)
	}
	return p, nil
}

func decodeCursor(s string) (Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, err
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 {
		return Cursor{}, fmt.Errorf("want 3 parts, got %d", len(parts))
	}
	c := Cursor{Sort: Sort(parts[0]), Value: parts[1]}
	if !slices.Contains(Sorts, c.Sort) {
		return Cursor{}, fmt.Errorf("unknown sort %q", parts[0])
	}
	if c.ID, err = strconv.ParseInt(parts[2], 10, 64); err != nil || c.ID < 0 {
		return Cursor{}, fmt.Errorf("bad id %q", parts[2])
	}
	switch c.Sort.Column() {
	case "occurred_on":
		if _, err := time.Parse(DateLayout, c.Value); err != nil {
			return Cursor{}, err
		}
	case "updated_at":
		t, err := time.Parse(time.RFC3339Nano, c.Value)
		if err != nil {
			return Cursor{}, err
		}
		// A cursor issued before timestamps were stored at a fixed width
		// still compares right.
		c.Value = FormatTime(t)
	case "killed", "wounded":
		if n, err := strconv.Atoi(c.Value); err != nil || n < 0 {
			return Cursor{}, fmt.Errorf("bad value %q", c.Value)
		}
	case "id":
		if c.Value != "" {
			return Cursor{}, fmt.Errorf("id cursor carries no value")
		}
	}
	return c, nil
}
