package store

import (
	"context"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"testing"

	"incidentdb/exchange"
)

// pgCopyBinary writes rows as COPY's binary format does: the header, each
// value after its length (nil as NULL, an int64 in 8 bytes for the id and
// 4 for the other integers, as the schema has them), and the trailer.
func pgCopyBinary(rows ...[copyColumns]any) []byte {
	out := append([]byte(copySignature), 0, 0, 0, 0, 0, 0, 0, 0)
	for _, row := range rows {
		out = binary.BigEndian.AppendUint16(out, copyColumns)
		for i, v := range row {
			switch v := v.(type) {
			case nil:
				out = binary.BigEndian.AppendUint32(out, math.MaxUint32)
			case string:
				out = binary.BigEndian.AppendUint32(out, uint32(len(v)))
				out = append(out, v...)
			case int64:
				if i == exchange.CellID {
					out = binary.BigEndian.AppendUint32(out, 8)
					out = binary.BigEndian.AppendUint64(out, uint64(v))
				} else {
					out = binary.BigEndian.AppendUint32(out, 4)
					out = binary.BigEndian.AppendUint32(out, uint32(int32(v)))
				}
			case float64:
				out = binary.BigEndian.AppendUint32(out, 8)
				out = binary.BigEndian.AppendUint64(out, math.Float64bits(v))
			}
		}
	}
	return binary.BigEndian.AppendUint16(out, math.MaxUint16)
}

// Whatever a row holds, cut wherever the network cuts it, the export reads
// from COPY's binary format the cells the decoded path makes of it; and no
// bytes make the reader fail other than with an error.
func FuzzCopyBinaryRows(f *testing.F) {
	f.Add("plain", int64(7), 14.5, uint16(0), []byte(copySignature))
	f.Add("", int64(-1), -0.000012, uint16(40), []byte{})
	f.Add("tab\tback\\slash \"q\",\nménaka", int64(1<<40), 1e-300, uint16(9999), []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x1f\xff"))
	f.Fuzz(func(t *testing.T, text string, n int64, coordinate float64, cut uint16, garbage []byte) {
		var full, empty [copyColumns]any
		want := exchange.StoredRow{}
		for i, kind := range copyKinds {
			switch kind {
			case binaryText:
				full[i] = text
			case binaryInt:
				full[i] = int64(int32(n))
			case binaryFloat:
				full[i] = coordinate
			}
			if i < exchange.NumColumns {
				switch kind {
				case binaryText:
					want[i] = text
				case binaryInt:
					want[i] = strconv.FormatInt(int64(int32(n)), 10)
				case binaryFloat:
					want[i] = strconv.FormatFloat(coordinate, 'f', -1, 64)
				}
			}
		}
		full[exchange.CellID], want[exchange.CellID] = n, strconv.FormatInt(n, 10)
		full[exchange.NumColumns], full[exchange.NumColumns+1] = int64(1), int64(1)
		want[exchange.CellConflict] = strconv.FormatBool(int32(n) == 1)
		empty[exchange.CellID] = int64(2)
		empty[exchange.NumColumns], empty[exchange.NumColumns+1] = int64(0), nil
		wantEmpty := exchange.StoredRow{exchange.CellID: "2", exchange.CellConflict: "false"}

		data := pgCopyBinary(full, empty)
		var got []exchange.StoredRow
		r := &copyBinaryRows{ctx: context.Background(), fn: func(row *exchange.StoredRow) error {
			// The cells point into the reader's buffers: what fn saw is
			// what a copy made now holds.
			got = append(got, cloneRow(row))
			return nil
		}}
		at := int(cut) % (len(data) + 1)
		for _, piece := range [][]byte{data[:at], data[at:]} {
			if _, err := r.Write(append([]byte(nil), piece...)); err != nil {
				t.Fatal(err)
			}
		}
		if !r.done || len(got) != 2 || got[0] != want || got[1] != wantEmpty {
			t.Fatalf("done %v, read %q\nwant %q", r.done, got, []exchange.StoredRow{want, wantEmpty})
		}

		g := &copyBinaryRows{ctx: context.Background(), fn: func(*exchange.StoredRow) error { return nil }}
		_, _ = g.Write(garbage)
	})
}

func cloneRow(row *exchange.StoredRow) exchange.StoredRow {
	var out exchange.StoredRow
	for i, v := range row {
		out[i] = strings.Clone(v)
	}
	return out
}

// A filter's values become literals that mean the values: quotes doubled,
// backslashes as they are, lists parenthesised; values no literal can hold
// are refused, and so are placeholders and values that do not pair up.
func TestInlineLiterals(t *testing.T) {
	got, ok := inlineLiterals("a = ? AND b IN ? AND c >= ?", []any{`O'Brien \ "x"`, []string{"p", "q'"}, 3})
	if want := `a = 'O''Brien \ "x"' AND b IN ('p', 'q''') AND c >= 3`; !ok || got != want {
		t.Errorf("got %q, %v; want %q", got, ok, want)
	}
	for _, c := range []struct {
		cond string
		args []any
	}{
		{"a = ?", []any{"nul\x00"}}, {"a = ?", nil}, {"a = ?", []any{1, 2}}, {"a IN ?", []any{[]string{}}}, {"a = ?", []any{1.5}},
	} {
		if got, ok := inlineLiterals(c.cond, c.args); ok {
			t.Errorf("%q with %v: written as %q, not refused", c.cond, c.args, got)
		}
	}
}
