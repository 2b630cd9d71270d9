package exchange

import (
	"bufio"
	"bytes"
	"encoding/csv"
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
// is doubled as encoding/csv doubles it.
func TestQuotesDoubledAtEveryOffset(t *testing.T) {
	for n := 1; n <= 26; n++ {
		for q := range n {
			for _, fill := range []byte{'a', '#', '!', 0x80, 0xff} {
				cell := bytes.Repeat([]byte{fill}, n)
				cell[q] = '"'
				for _, also := range []int{q + 1, q + 7, q + 8, q + 9} {
					if also < n && also%3 != 0 {
						cell[also] = '"'
					}
				}
				rec := []string{string(cell), "x"}
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
		}
	}
}
