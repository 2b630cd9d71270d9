package store

import (
	"context"
	"encoding/binary"
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
// COPY ... TO STDOUT (FORMAT binary) on pgx's connection: the server
// streams one row per incident whose values come with their lengths, text
// as it is stored, instead of a row of typed values per incident decoded
// by database/sql. Binary rather than COPY's text: no escapes to write or
// undo, no tabs to look for, and no number turned into text by
// PostgreSQL only to be read back. The CSV itself is still written by
// exchange's writer, so the file is byte for byte the one the decoded path
// writes (formula guards, list cells, encoding/csv's quoting, which COPY's
// own CSV does not share: it leaves a leading space unquoted).

// pgStoredSQL is the stored column of each cell of exchange.StoredRow in
// order, as it is, then the two flags that say whether the figures are
// known. What storedFromRow does in Go is done by copyBinaryRows rather
// than by an expression per cell, which cost PostgreSQL a seventh more
// time per row than the plain columns.
var pgStoredSQL = func() string {
	cols := make([]string, exchange.NumColumns, copyColumns)
	for _, c := range incidentTable {
		if c.cell != noCell {
			cols[c.cell] = "i." + c.name
		}
	}
	return strings.Join(append(cols, "i.killed_known", "i.wounded_known"), ", ")
}()

// copyKind is how a column's binary value becomes a cell.
type copyKind uint8

const (
	binaryText  copyKind = iota // the bytes as they are
	binaryInt                   // a big-endian integer of 2, 4 or 8 bytes, written in decimal
	binaryFloat                 // a big-endian IEEE double, written as the decoded path writes it
)

// copyKinds is the kind of each column pgStoredSQL selects, from what the
// column is scanned into: what database/sql decodes, COPY's binary sends.
var copyKinds = func() [copyColumns]copyKind {
	var kinds [copyColumns]copyKind
	kindOf := func(c column) copyKind {
		switch c.field(&incidentRow{}).(type) {
		case *int, *int64, **int64:
			return binaryInt
		case **float64:
			return binaryFloat
		case *string, **string:
			return binaryText
		}
		panic("store: no COPY kind for column " + c.name)
	}
	for _, c := range incidentTable {
		switch {
		case c.cell != noCell:
			kinds[c.cell] = kindOf(c)
		case c.name == "killed_known":
			kinds[exchange.NumColumns] = kindOf(c)
		case c.name == "wounded_known":
			kinds[exchange.NumColumns+1] = kindOf(c)
		}
	}
	return kinds
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
		// What the literals rely on, whatever the server's default.
		"SET LOCAL standard_conforming_strings = on",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return internal("export", err)
		}
	}
	// A read-only transaction: nothing to keep, and a COPY that stopped
	// early has closed the connection anyway.
	defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	copySQL := "COPY (SELECT " + pgStoredSQL + " FROM incidents i WHERE " + inlined + " ORDER BY i.id) TO STDOUT (FORMAT binary)"
	rows := &copyBinaryRows{ctx: ctx, fn: fn}
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: COPY needs a pgx connection, not %T", dc)
		}
		_, err := sc.Conn().PgConn().CopyTo(ctx, rows, copySQL)
		return err
	})
	if err == nil && !rows.done {
		err = errors.New("store: COPY ended before its trailer")
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

// copySignature opens COPY's binary format.
const copySignature = "PGCOPY\n\xff\r\n\x00"

// copyBinaryRows receives COPY's binary format (a header, then per row a
// count of columns and each value after its length, -1 for NULL, then a
// count of -1) in pieces cut anywhere, and calls fn with each row as a
// StoredRow.
type copyBinaryRows struct {
	ctx    context.Context
	fn     func(*exchange.StoredRow) error
	fnErr  error
	header bool // the header has been read
	done   bool // the trailer has been read
	// pending holds what arrived of a row not yet complete.
	pending []byte
	// numbers holds the decimal text of the current row's numbers.
	numbers []byte
	row     exchange.StoredRow
}

func (c *copyBinaryRows) Write(p []byte) (int, error) {
	n := len(p)
	if len(c.pending) > 0 {
		c.pending = append(c.pending, p...)
		p = c.pending
	}
	used, err := c.parse(p)
	if err != nil {
		return 0, err
	}
	c.pending = append(c.pending[:0], p[used:]...)
	return n, nil
}

// parse reads the complete rows at the start of data and returns how many
// bytes they took.
func (c *copyBinaryRows) parse(data []byte) (int, error) {
	off := 0
	if !c.header {
		const fixed = len(copySignature) + 8 // the flags, the extension's length
		if len(data) < fixed {
			return 0, nil
		}
		if string(data[:len(copySignature)]) != copySignature {
			return 0, errors.New("store: COPY's binary data does not start with its signature")
		}
		ext := uint64(binary.BigEndian.Uint32(data[fixed-4:]))
		if uint64(len(data)-fixed) < ext {
			return 0, nil
		}
		off, c.header = fixed+int(ext), true
	}
	for off < len(data) {
		if c.done {
			return 0, errors.New("store: COPY sent data after its trailer")
		}
		n, err := c.tuple(data[off:])
		if err != nil || n == 0 {
			return off, err
		}
		off += n
	}
	return off, nil
}

// tuple reads the row at the start of data, calls fn with it and returns
// its length; 0 when data does not hold all of it yet.
func (c *copyBinaryRows) tuple(data []byte) (int, error) {
	if len(data) < 2 {
		return 0, nil
	}
	switch count := int16(binary.BigEndian.Uint16(data)); {
	case count == -1:
		c.done = true
		return 2, nil
	case int(count) != copyColumns:
		return 0, fmt.Errorf("store: a COPY row of %d columns, not %d", count, copyColumns)
	}
	var values [copyColumns][]byte
	var null [copyColumns]bool
	off := 2
	for i := range values {
		if len(data)-off < 4 {
			return 0, nil
		}
		size := int32(binary.BigEndian.Uint32(data[off:]))
		off += 4
		if size < 0 {
			null[i] = true
			continue
		}
		if len(data)-off < int(size) {
			return 0, nil
		}
		values[i] = data[off : off+int(size)]
		off += int(size)
	}
	if err := c.emit(&values, &null); err != nil {
		return 0, err
	}
	return off, nil
}

// emit turns a row's values into cells and calls fn. Text cells point into
// the received bytes, numbers into c.numbers, neither copied: fn may not
// keep the row, and both stay as they are until it has returned.
func (c *copyBinaryRows) emit(values *[copyColumns][]byte, null *[copyColumns]bool) error {
	var ints [copyColumns]int64
	var spans [copyColumns][2]int
	c.numbers = c.numbers[:0]
	for i, v := range values {
		if null[i] {
			continue
		}
		switch copyKinds[i] {
		case binaryInt:
			switch len(v) {
			case 2:
				ints[i] = int64(int16(binary.BigEndian.Uint16(v)))
			case 4:
				ints[i] = int64(int32(binary.BigEndian.Uint32(v)))
			case 8:
				ints[i] = int64(binary.BigEndian.Uint64(v))
			default:
				return fmt.Errorf("store: COPY sent an integer of %d bytes", len(v))
			}
			start := len(c.numbers)
			c.numbers = strconv.AppendInt(c.numbers, ints[i], 10)
			spans[i] = [2]int{start, len(c.numbers)}
		case binaryFloat:
			if len(v) != 8 {
				return fmt.Errorf("store: COPY sent a double of %d bytes", len(v))
			}
			start := len(c.numbers)
			c.numbers = strconv.AppendFloat(c.numbers, math.Float64frombits(binary.BigEndian.Uint64(v)), 'f', -1, 64)
			spans[i] = [2]int{start, len(c.numbers)}
		}
	}
	// The numbers' cells are cut only now: appending may have moved them.
	for i := range exchange.NumColumns {
		switch {
		case null[i]:
			c.row[i] = ""
		case copyKinds[i] == binaryText:
			c.row[i] = unsafe.String(unsafe.SliceData(values[i]), len(values[i]))
		default:
			c.row[i] = unsafe.String(unsafe.SliceData(c.numbers[spans[i][0]:]), spans[i][1]-spans[i][0])
		}
	}
	if ints[exchange.NumColumns] != 1 || null[exchange.NumColumns] {
		c.row[exchange.CellKilled], c.row[exchange.CellKilledLow], c.row[exchange.CellKilledHigh] = "", "", ""
	}
	if ints[exchange.NumColumns+1] != 1 || null[exchange.NumColumns+1] {
		c.row[exchange.CellWounded], c.row[exchange.CellWoundedLow], c.row[exchange.CellWoundedHigh] = "", "", ""
	}
	c.row[exchange.CellConflict] = strconv.FormatBool(ints[exchange.CellConflict] == 1)
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
