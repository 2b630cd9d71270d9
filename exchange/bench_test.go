package exchange

import (
	"io"
	"testing"
	"time"

	"incidentdb/models/synth"
)

// BenchmarkWriteRecord encodes the cells of synthetic incidents as an
// export writes them: the loop a large export spends most of its time in.
func BenchmarkWriteRecord(b *testing.B) {
	g := synth.New(1)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cw, err := NewCSVWriter(io.Discard, CSVOptions{})
	if err != nil {
		b.Fatal(err)
	}
	records := make([][]string, 1000)
	bytes := 0
	for i := range records {
		inc, err := g.Next().Normalize(now)
		if err != nil {
			b.Fatal(err)
		}
		inc.ID, inc.CreatedAt, inc.UpdatedAt, inc.Version = int64(i+1), now, now, 1
		if err := cw.fill(&inc); err != nil {
			b.Fatal(err)
		}
		records[i] = append([]string(nil), cw.rec...)
		for _, c := range records[i] {
			bytes += len(c)
		}
	}
	b.SetBytes(int64(bytes / len(records)))
	b.ResetTimer()
	for i := range b.N {
		if err := cw.writeRecord(records[i%len(records)]); err != nil {
			b.Fatal(err)
		}
	}
}
