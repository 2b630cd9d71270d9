package exchange

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// FuzzCSVRecord holds our record encoder to encoding/csv's, byte for byte:
// files written before and after must not differ, and readers everywhere
// know that dialect.
func FuzzCSVRecord(f *testing.F) {
	for _, s := range []string{"", "plain", "a,b", `say "hi"`, "line\nbreak", "cr\rlf\r\n", " lead", "\u00a0nbsp",
		"\u2028sep", `\.`, `\.x`, "\"", "\xff\xfe", "tab\t", "=1+1", "é,\"\n"} {
		f.Add(s, "second")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var want bytes.Buffer
		w := csv.NewWriter(&want)
		if err := w.Write([]string{a, b, a}); err != nil {
			t.Skip()
		}
		w.Flush()
		var got bytes.Buffer
		cw := &CSVWriter{}
		cw.buf = bufio.NewWriter(&got)
		if err := cw.writeRecord([]string{a, b, a}); err != nil {
			t.Fatal(err)
		}
		cw.Flush()
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("record %q, %q:\ngot  %q\nwant %q", a, b, got.Bytes(), want.Bytes())
		}
	})
}

// A quote at every offset of cells of every short length, alone or with
// others, beside bytes that differ from it in one bit or are not ASCII,
// is doubled as encoding/csv doubles it; a separator or line break at
// every offset, and a leading space of each kind, quote the cell as it
// quotes it, on both sides of the length where the scan changes.
func TestQuotesDoubledAtEveryOffset(t *testing.T) {
	for n := 1; n <= 40; n++ {
		for q := range n {
			for _, fill := range []byte{'a', '#', '!', ' ', 0x80, 0xff} {
				for _, special := range []byte{'"', ',', '\n', '\r'} {
					cell := bytes.Repeat([]byte{fill}, n)
					cell[q] = special
					for _, also := range []int{q + 1, q + 7, q + 8, q + 9} {
						if special == '"' && also < n && also%3 != 0 {
							cell[also] = '"'
						}
					}
					sameAsEncodingCSV(t, string(cell))
				}
			}
		}
		for _, lead := range []string{" ", "\t", "\v", "\f", "\u0085", "\u00a0", "\u2028", "\u3000", "é", "x"} {
			sameAsEncodingCSV(t, lead+strings.Repeat("b", n))
		}
	}
}

func sameAsEncodingCSV(t *testing.T, cell string) {
	t.Helper()
	rec := []string{cell, "x"}
	var want bytes.Buffer
	w := csv.NewWriter(&want)
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	var got bytes.Buffer
	cw := &CSVWriter{buf: bufio.NewWriter(&got)}
	if err := cw.writeRecord(rec); err != nil {
		t.Fatal(err)
	}
	cw.Flush()
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("cell %q:\ngot  %q\nwant %q", cell, got.Bytes(), want.Bytes())
	}
}
