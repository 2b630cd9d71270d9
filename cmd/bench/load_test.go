package main

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"testing"
)

// The counter must find every record encoding/csv wrote, with quotes and
// line breaks inside cells, wherever the writes are cut.
func TestCSVCounterCountsRecordsWhereverTheWritesAreCut(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "b,c", `"`, `""`, "\n", "\r\n", `{"k":"v"}`, " ", "é"}
	for round := range 200 {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		records := rng.IntN(40)
		for range records {
			rec := make([]string, 1+rng.IntN(5))
			for i := range rec {
				for range rng.IntN(6) {
					rec[i] += pieces[rng.IntN(len(pieces))]
				}
			}
			if err := w.Write(rec); err != nil {
				t.Fatal(err)
			}
		}
		w.Flush()
		data := buf.Bytes()
		c := &csvCounter{}
		for len(data) > 0 {
			n := min(len(data), 1+rng.IntN(16))
			c.Write(data[:n])
			data = data[n:]
		}
		if c.records != int64(records) || c.bytes != int64(buf.Len()) {
			t.Fatalf("round %d: counted %d records, %d bytes; wrote %d records, %d bytes", round, c.records, c.bytes, records, buf.Len())
		}
	}
}
