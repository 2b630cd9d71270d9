package store_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"incidentdb/exchange"
	"incidentdb/models"
	"incidentdb/models/synth"
)

// sliceReader yields prepared inputs, so the benchmark measures the store
// and not the parser.
type sliceReader struct {
	items []models.IncidentInput
	i     int
}

func (r *sliceReader) Next() (exchange.Record, error) {
	if r.i >= len(r.items) {
		return exchange.Record{}, io.EOF
	}
	r.i++
	return exchange.Record{Line: r.i, Input: r.items[r.i-1]}, nil
}

func synthInputs(n int, seed uint64) []models.IncidentInput {
	g := synth.New(seed)
	out := make([]models.IncidentInput, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

// BenchmarkImport measures the import pipeline from parsed inputs to a
// committed transaction: normalization, inserts, words, revisions, totals.
func BenchmarkImport(b *testing.B) {
	items := synthInputs(2000, 1)
	for b.Loop() {
		b.StopTimer()
		s := mustOpen(b)
		b.StartTimer()
		if _, err := s.Import(context.Background(), "bench", &sliceReader{items: items}, models.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/incident")
}

// BenchmarkExportCSV measures streaming incidents out of the database as
// CSV: the chunked reads, the child tables and the encoding.
func BenchmarkExportCSV(b *testing.B) {
	s := mustOpen(b)
	items := synthInputs(5000, 2)
	if _, err := s.Import(context.Background(), "bench", &sliceReader{items: items}, models.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		w, err := exchange.NewCSVWriter(&buf, exchange.CSVOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.EachStored(context.Background(), models.Filter{}, w.WriteStored); err != nil {
			b.Fatal(err)
		}
		w.Flush()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/incident")
}

// BenchmarkListPage measures a first list page with a region and a year
// filter: the count, the keyset query and the row scanning.
func BenchmarkListPage(b *testing.B) {
	s := mustOpen(b)
	if _, err := s.Import(context.Background(), "bench", &sliceReader{items: synthInputs(5000, 3)}, models.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	from, to := "2019-01-01", "2019-12-31"
	f := models.Filter{Regions: []models.RegionRef{{Key: "mopti"}}, From: &from, To: &to}
	for b.Loop() {
		if _, err := s.ListIncidents(context.Background(), f, models.Page{Sort: "-occurred_on", Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}
