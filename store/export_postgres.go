package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/jackc/pgx/v5/stdlib"

	"incidentdb/exchange"
	"incidentdb/models"
)

// The CSV export on PostgreSQL reads the cells of exchange.StoredRow with
// COPY ... TO STDOUT on pgx's connection: the server streams one text row
// per incident, which is split here at its tabs, instead of a row of
// typed values per incident decoded by database/sql. The CSV itself is
// still written by exchange's writer, so the file is byte for byte the
// one the decoded path writes (formula guards, list cells, encoding/csv's
// quoting, which COPY's own CSV does not share: it leaves a leading
// space unquoted).

// pgStoredSQL is the stored column of each cell of exchange.StoredRow in
// order, as it is, then the two flags that say whether the figures are
// known. COPY writes each value with the type's own output function (the
// text CAST gives) and a NULL as \N; what storedFromRow does in Go is done
// by copyOutRows.line rather than by an expression per cell, which cost
// PostgreSQL a seventh more time per row than the plain columns.
var pgStoredSQL = func() string {
	cols := make([]string, exchange.NumColumns, copyColumns)
	for _, c := range incidentTable {
		if c.cell != noCell {
			cols[c.cell] = "i." + c.name
		}
	}
	return strings.Join(append(cols, "i.killed_known", "i.wounded_known"), ", ")
}()

// copyColumns is how many columns pgStoredSQL selects.
const copyColumns = exchange.NumColumns + 2

// eachStored streams the rows of f with COPY, in id order, in one
// repeatable-read snapshot. A filter whose values cannot be written as
// SQL literals (COPY takes no parameters) is read the decoded way.
func (postgresDialect) eachStored(s *Store, ctx context.Context, f models.Filter, fn func(*exchange.StoredRow) error) error {
	cond, args := where(s.d, f)
	inlined, ok := inlineLiterals(cond, args)
	if !ok {
		return s.eachStoredDecoded(ctx, f, fn)
	}
	db, err := s.long.DB()
	if err != nil {
		return internal("export", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return internal("export", err)
	}
	defer conn.Close()
	for _, q := range []string{
		"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		// What the literals and the coordinates' text rely on, whatever
		// the server's defaults.
		"SET LOCAL standard_conforming_strings = on",
		"SET LOCAL extra_float_digits = 1",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return internal("export", err)
		}
	}
	// A read-only transaction: nothing to keep, and a COPY that stopped
	// early has closed the connection anyway.
	defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	copySQL := "COPY (SELECT " + pgStoredSQL + " FROM incidents i WHERE " + inlined + " ORDER BY i.id) TO STDOUT"
	rows := &copyOutRows{ctx: ctx, fn: fn}
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: COPY needs a pgx connection, not %T", dc)
		}
		_, err := sc.Conn().PgConn().CopyTo(ctx, rows, copySQL)
		return err
	})
	if err == nil && len(rows.partial) > 0 {
		err = errors.New("store: COPY ended inside a row")
	}
	if rows.fnErr != nil {
		return rows.fnErr // the writer's own error, as the decoded path returns it
	}
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return internal("export", err)
}

// eachStoredDecoded is the export through database/sql's decoded rows.
func (s *Store) eachStoredDecoded(ctx context.Context, f models.Filter, fn func(*exchange.StoredRow) error) error {
	var row exchange.StoredRow
	return s.each(ctx, f, func(r *incidentRow) error {
		storedFromRow(r, &row)
		return fn(&row)
	})
}

// inlineLiterals writes args into cond's ? placeholders as SQL literals
// (strings quoted with standard_conforming_strings on, lists as a
// parenthesised list as GORM writes them); false for a value it does not
// know how to write.
func inlineLiterals(cond string, args []any) (string, bool) {
	var b strings.Builder
	k := 0
	for {
		i := strings.IndexByte(cond, '?')
		if i < 0 {
			b.WriteString(cond)
			return b.String(), k == len(args)
		}
		if k == len(args) {
			return "", false
		}
		b.WriteString(cond[:i])
		cond = cond[i+1:]
		switch v := args[k].(type) {
		case []string:
			if len(v) == 0 {
				return "", false
			}
			b.WriteByte('(')
			for j, s := range v {
				if j > 0 {
					b.WriteString(", ")
				}
				if !writeLiteral(&b, s) {
					return "", false
				}
			}
			b.WriteByte(')')
		case string:
			if !writeLiteral(&b, v) {
				return "", false
			}
		case int:
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		default:
			return "", false
		}
		k++
	}
}

// writeLiteral writes s as a standard SQL string literal; a NUL, which no
// PostgreSQL text holds, is refused rather than written.
func writeLiteral(b *strings.Builder, s string) bool {
	if strings.IndexByte(s, 0) >= 0 {
		return false
	}
	b.WriteByte('\'')
	b.WriteString(strings.ReplaceAll(s, "'", "''"))
	b.WriteByte('\'')
	return true
}

// copyOutRows receives COPY's text format (one row per line, columns
// split by tabs, backslash escapes, \N for NULL) and calls fn with each
// row as a StoredRow.
type copyOutRows struct {
	ctx     context.Context
	fn      func(*exchange.StoredRow) error
	fnErr   error
	partial []byte
	row     exchange.StoredRow
}

func (c *copyOutRows) Write(p []byte) (int, error) {
	n := len(p)
	if len(c.partial) > 0 {
		c.partial = append(c.partial, p...)
		p = c.partial
	}
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			break
		}
		if err := c.line(p[:i]); err != nil {
			return 0, err
		}
		p = p[i+1:]
	}
	c.partial = append(c.partial[:0], p...)
	return n, nil
}

func (c *copyOutRows) line(line []byte) error {
	// One look for a backslash in the row, not one in each field: most
	// rows have none, and then every field is used as it is.
	escaped := bytes.IndexByte(line, '\\') >= 0
	var known [copyColumns - exchange.NumColumns]string
	for i := range copyColumns {
		j := bytes.IndexByte(line, '\t')
		if (j < 0) != (i == copyColumns-1) {
			return fmt.Errorf("store: a COPY row with other than %d columns", copyColumns)
		}
		field := line
		if j >= 0 {
			field, line = line[:j], line[j+1:]
		}
		var v string
		switch {
		case len(field) == 2 && field[0] == '\\' && field[1] == 'N':
			// NULL: a text of a backslash and N would have come as \\N.
		case escaped:
			v = unescapeCopyText(field)
		default:
			v = unsafe.String(unsafe.SliceData(field), len(field))
		}
		if i < exchange.NumColumns {
			c.row[i] = v
		} else {
			known[i-exchange.NumColumns] = v
		}
	}
	if known[0] != "1" {
		c.row[exchange.CellKilled], c.row[exchange.CellKilledLow], c.row[exchange.CellKilledHigh] = "", "", ""
	}
	if known[1] != "1" {
		c.row[exchange.CellWounded], c.row[exchange.CellWoundedLow], c.row[exchange.CellWoundedHigh] = "", "", ""
	}
	if c.row[exchange.CellConflict] == "1" {
		c.row[exchange.CellConflict] = "true"
	} else {
		c.row[exchange.CellConflict] = "false"
	}
	for _, cell := range []int{exchange.CellLatitude, exchange.CellLongitude} {
		// PostgreSQL's shortest text is Go's but for an exponent, which
		// it writes for magnitudes under 1e-4.
		if v := c.row[cell]; strings.ContainsAny(v, "eE") {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsInf(f, 0) {
				return fmt.Errorf("store: incident %s has a coordinate %q the export cannot read", c.row[exchange.CellID], v)
			}
			c.row[cell] = strconv.FormatFloat(f, 'f', -1, 64)
		}
	}
	// Rows already received go on arriving for a moment after a cancel.
	if err := c.ctx.Err(); err != nil {
		return err
	}
	if err := c.fn(&c.row); err != nil {
		c.fnErr = err
		return err
	}
	return nil
}

// copyEscapes are the bytes COPY's text format writes after a backslash
// for a control character.
var copyEscapes = [256]byte{'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'f': '\f', 'v': '\v'}

// unescapeCopyText undoes COPY's text escapes. A field without any is
// returned in place, not copied: EachStored's fn may not keep the row, and
// the bytes stay as they are until it has returned.
func unescapeCopyText(field []byte) string {
	if bytes.IndexByte(field, '\\') < 0 {
		return unsafe.String(unsafe.SliceData(field), len(field))
	}
	out := make([]byte, 0, len(field))
	for i := 0; i < len(field); i++ {
		ch := field[i]
		if ch != '\\' || i+1 == len(field) {
			out = append(out, ch)
			continue
		}
		i++
		if e := copyEscapes[field[i]]; e != 0 {
			out = append(out, e)
		} else {
			out = append(out, field[i]) // \\ and any other escaped byte stand for themselves
		}
	}
	return string(out)
}
