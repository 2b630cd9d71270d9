package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"incidentdb/exchange"
	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

// The CSV export reads rows as stored (EachStored) rather than as decoded
// incidents (Each), and on SQLite has them joined into one value by SQL.
// Both must give byte for byte the file the decoded path writes, whatever
// the text: formula-like cells, quotes, separators, leading spaces, lists
// that JSON escapes, coordinates of every precision.
func TestExportStoredMatchesDecoded(t *testing.T) {
	s := mustOpen(t)
	texts := []string{
		"plain", "with, comma", `with "quotes"`, "=1+1", "+33 1", "-5", "@SUM(A1)", "'=already",
		"''+twice", "'", " leading space", "\u00a0no-break space", "\u3000ideographic", `\.`,
		"Forces & co <b>", `back\slash`, "Ménaka, Mopti", "’apostrophe", "trailing ", "ends in a quote\"",
	}
	coords := []float64{0, 16.27, -3.0001, 1e-7, -1e-9, 12.345678901234567, 89.9999999, -89.99999995,
		1.0 / 3, 0.1 + 0.2, 45, -0.00005, 33.3333333}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() string { return texts[rng.IntN(len(texts))] }
	var items []models.IncidentInput
	for i, in := range synthInputs(300, 9) {
		switch i % 4 {
		case 0:
			in.Summary = ptr(pick() + "\n\t" + pick() + "\r\n;")
			in.Locality = ptr(pick())
		case 1:
			in.Forces = []string{pick(), pick()}
			in.Mission = nil
			in.Summary = ptr(pick())
		case 2:
			lat, lon := coords[rng.IntN(len(coords))], coords[rng.IntN(len(coords))]
			in.Latitude, in.Longitude = &lat, &lon
			in.ExternalID = ptr(fmt.Sprintf("%s-%d", pick(), i))
		case 3:
			lat := rng.Float64()*160 - 80
			lon := math.Round((rng.Float64()*360-180)*1e4) / 1e4
			in.Latitude, in.Longitude = &lat, &lon
			in.Forces = []string{"=" + pick()}
		}
		items = append(items, in)
	}
	// Figures not known, estimates, claims that disagree, datasets: cells
	// that PostgreSQL's COPY leaves to Go as plain columns and flags.
	r := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		items = append(items, randomIncident(r))
	}
	res, err := s.Import(context.Background(), "test", &sliceReader{items: items}, models.ImportOptions{})
	if err != nil {
		t.Fatal(err, res.Errors)
	}

	// Filters of every kind, with values a literal must quote (COPY, on
	// PostgreSQL, takes no parameters).
	filters := []models.Filter{{}, {Deleted: true}}
	ids := url.Values{}
	for _, in := range items {
		if in.ExternalID != nil && strings.ContainsAny(*in.ExternalID, `'\",`) && len(ids["external_id"]) < 4 {
			ids.Add("external_id", *in.ExternalID)
		}
	}
	for _, q := range []string{
		"q=mission", "region=Mopti&from=2018-01-01&to=2019-12-31", ids.Encode(),
		"force=%27%27%2Btwice,MINUSMA", "nationality=NE&group=peacekeeper&conflict=false",
	} {
		v, err := url.ParseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		f, err := models.ParseFilter(v)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		filters = append(filters, f)
	}
	for _, id := range []int64{3, 7} {
		if err := s.DeleteIncident(context.Background(), "tester", id, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i, f := range filters {
		if !store.CopiesExport(f) {
			t.Errorf("filter %d (%+v): the PostgreSQL export would not stream with COPY", i, f)
		}
		var decoded, stored bytes.Buffer
		wd, _ := exchange.NewCSVWriter(&decoded, exchange.CSVOptions{})
		if err := s.Each(context.Background(), f, wd.Write); err != nil {
			t.Fatal(err)
		}
		wd.Flush()
		ws, _ := exchange.NewCSVWriter(&stored, exchange.CSVOptions{})
		if err := s.EachStored(context.Background(), f, ws.WriteStored); err != nil {
			t.Fatal(err)
		}
		ws.Flush()
		if lines := bytes.Count(decoded.Bytes(), []byte("\n")); lines < 2 {
			t.Errorf("filter %d (%+v): %d lines, the test tests too little", i, f, lines)
		}
		if !bytes.Equal(decoded.Bytes(), stored.Bytes()) {
			t.Errorf("filter %d (%+v): the exports differ:\ndecoded: %.2000q\nstored:  %.2000q", i, f, decoded.Bytes(), stored.Bytes())
		}
	}

	for _, opts := range []exchange.CSVOptions{{}, {DataOnly: true, HXL: true}} {
		var decoded, stored bytes.Buffer
		wd, err := exchange.NewCSVWriter(&decoded, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Each(context.Background(), models.Filter{}, wd.Write); err != nil {
			t.Fatal(err)
		}
		wd.Flush()
		ws, _ := exchange.NewCSVWriter(&stored, opts)
		if err := s.EachStored(context.Background(), models.Filter{}, ws.WriteStored); err != nil {
			t.Fatal(err)
		}
		ws.Flush()
		if decoded.Len() < 300*100 {
			t.Fatalf("export too short: %d bytes", decoded.Len())
		}
		if !bytes.Equal(decoded.Bytes(), stored.Bytes()) {
			dl, sl := bytes.Split(decoded.Bytes(), []byte("\n")), bytes.Split(stored.Bytes(), []byte("\n"))
			for i := range min(len(dl), len(sl)) {
				if !bytes.Equal(dl[i], sl[i]) {
					t.Fatalf("line %d differs (%+v):\ndecoded: %s\nstored:  %s", i+1, opts, dl[i], sl[i])
				}
			}
			t.Fatalf("lengths differ: %d and %d lines", len(dl), len(sl))
		}
	}
}

// A text holding a NUL (which the service refuses, but a hand edit of the
// file may leave) cannot travel in the one value the SQLite export joins
// with NULs: that row is read again column by column, and the file is the
// same as the decoded path's.
func TestExportStoredNULInText(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("PostgreSQL text cannot hold a NUL")
	}
	dsn := storetest.DSN(t)
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Import(context.Background(), "test", &sliceReader{items: synthInputs(5, 4)}, models.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE incidents SET summary = 'before' || char(0) || 'after, "quoted"' WHERE id = 3`); err != nil {
		t.Fatal(err)
	}
	var decoded, stored bytes.Buffer
	wd, _ := exchange.NewCSVWriter(&decoded, exchange.CSVOptions{})
	if err := s.Each(context.Background(), models.Filter{}, wd.Write); err != nil {
		t.Fatal(err)
	}
	wd.Flush()
	ws, _ := exchange.NewCSVWriter(&stored, exchange.CSVOptions{})
	if err := s.EachStored(context.Background(), models.Filter{}, ws.WriteStored); err != nil {
		t.Fatal(err)
	}
	ws.Flush()
	if !bytes.Contains(stored.Bytes(), []byte("before\x00after")) {
		t.Fatalf("the edited summary is not in the export:\n%s", stored.Bytes())
	}
	if !bytes.Equal(decoded.Bytes(), stored.Bytes()) {
		t.Fatalf("exports differ:\ndecoded: %q\nstored:  %q", decoded.Bytes(), stored.Bytes())
	}
}

// A writer that fails (a client gone) stops the export, on whichever
// chunk it fails, and the reading side does not linger.
func TestExportStoredStopsOnWriterError(t *testing.T) {
	s := mustOpen(t)
	if _, err := s.Import(context.Background(), "test", &sliceReader{items: synthInputs(4500, 5)}, models.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	gone := errors.New("client gone")
	for _, failAt := range []int{1, 2000, 2001, 4500} {
		n := 0
		err := s.EachStored(context.Background(), models.Filter{}, func(*exchange.StoredRow) error {
			if n++; n == failAt {
				return gone
			}
			return nil
		})
		if !errors.Is(err, gone) || n != failAt {
			t.Fatalf("fail at %d: got %v after %d rows", failAt, err, n)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := s.EachStored(ctx, models.Filter{}, func(*exchange.StoredRow) error {
		if n++; n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n >= 4500 {
		t.Fatalf("cancelled export: got %v after %d rows", err, n)
	}
}
