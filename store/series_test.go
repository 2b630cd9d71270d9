package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"incidentdb/models"
)

// randomSeriesQuery is a random report query (randomQuery) asked as a
// series split by one dimension. Days are asked over a few months only,
// because the brute force below computes a report per period.
func randomSeriesQuery(r *rand.Rand) (models.Filter, models.Interval, models.SeriesGroup) {
	q := randomQuery(r)
	q.Del("group_by")
	g := models.SeriesGroup{By: models.SeriesDimensions[r.IntN(len(models.SeriesDimensions))], Limit: models.MaxSeries}
	if r.IntN(3) == 0 {
		g.Limit = 1 + r.IntN(3)
	}
	interval := []models.Interval{"day", "week", "month", "month", "year", "year"}[r.IntN(6)]
	switch interval {
	case "day":
		q.Set("from", "2016-05-17")
		q.Set("to", "2016-08-31")
	case "week":
		q.Set("from", "2016-03-01")
		if r.IntN(2) == 0 {
			q.Set("to", "2017-02-11")
		}
	}
	f, err := models.ParseFilter(q, "estimate")
	if err != nil {
		panic(err)
	}
	return f, interval, g
}

// periodDays is the first and last day of a period as a series names it.
func periodDays(p string, interval models.Interval) (string, string) {
	var start time.Time
	var end func(time.Time) time.Time
	switch interval {
	case "day":
		return p, p
	case "week":
		var y, w int
		fmt.Sscanf(p, "%d-W%d", &y, &w)
		jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
		start = jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
		end = func(t time.Time) time.Time { return t.AddDate(0, 0, 6) }
	case "month":
		start, _ = time.Parse("2006-01", p)
		end = func(t time.Time) time.Time { return t.AddDate(0, 1, -1) }
	default:
		start, _ = time.Parse("2006", p)
		end = func(t time.Time) time.Time { return t.AddDate(1, 0, -1) }
	}
	return start.Format(models.DateLayout), end(start).Format(models.DateLayout)
}

// within is f narrowed to the days from first to last.
func within(f models.Filter, first, last string) models.Filter {
	if f.From == nil || *f.From < first {
		f.From = &first
	}
	if f.To == nil || *f.To > last {
		f.To = &last
	}
	return f
}

// checkSeries holds grouped series to a brute force: each point of each
// series is the brute-force report by the dimension over that period,
// each series' totals and the ranking the one over the whole range, the
// series of everything the report's totals; and for a dimension an
// incident has one value of, the series add up to the series of
// everything.
func checkSeries(t *testing.T, s interface {
	GroupedTimeSeries(context.Context, models.Filter, models.Interval, models.SeriesGroup) (models.GroupedSeries, error)
	TimeSeries(context.Context, models.Filter, models.Interval) ([]models.Point, error)
}, incs []models.Incident, r *rand.Rand, round string) {
	t.Helper()
	ctx := context.Background()
	nonzero, split := 0, 0
	defer func() {
		// Random filters often match nothing; enough of them must not.
		if nonzero < 100 || split < 5 {
			t.Errorf("%s: %d points of series held counts and %d series left some values out: the test tests too little", round, nonzero, split)
		}
	}()
	for i := range 40 {
		f, interval, g := randomSeriesQuery(r)
		where := fmt.Sprintf("%s, series %d (%s by %s, limit %d, %+v)", round, i, interval, g.By, g.Limit, f)
		got, err := s.GroupedTimeSeries(ctx, f, interval, g)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		plain, err := s.TimeSeries(ctx, f, interval)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(plain, got.Points); diff != "" {
			t.Fatalf("%s: the series of everything is not the ungrouped series (-ungrouped +grouped):\n%s", where, diff)
		}
		dims := []models.Dimension{g.By}
		// The range holds every matching incident: from and to, or without
		// them the incidents' own span.
		overall, _ := bruteReport(incs, f, dims)
		if got.SeriesTotal != len(overall) {
			t.Fatalf("%s: series_total %d, want %d", where, got.SeriesTotal, len(overall))
		}
		rows := map[string]models.Counts{}
		for _, row := range overall {
			rows[fmt.Sprint(row.Values[0])] = row.Counts
		}
		var kept []string
		for j, sr := range got.Series {
			key := fmt.Sprint(sr.Value)
			kept = append(kept, key)
			if sr.Totals != rows[key] {
				t.Fatalf("%s: %s's totals %+v, want %+v", where, key, sr.Totals, rows[key])
			}
			if j > 0 && sr.Totals.Killed > got.Series[j-1].Totals.Killed {
				t.Fatalf("%s: %s kills more than the series before it", where, key)
			}
		}
		if len(kept) < len(overall) {
			split++
		}
		if len(kept) != min(g.Limit, len(overall)) {
			t.Fatalf("%s: %d series of %d, limit %d", where, len(kept), len(overall), g.Limit)
		}
		for key, c := range rows {
			if !slices.Contains(kept, key) && len(kept) > 0 && c.Killed > got.Series[len(kept)-1].Totals.Killed {
				t.Fatalf("%s: %s (%d killed) was left out for smaller series", where, key, c.Killed)
			}
		}
		for k, p := range plain {
			first, last := periodDays(p.Period, interval)
			byValue, totals := bruteReport(incs, within(f, first, last), dims)
			if totals != p.Counts {
				t.Fatalf("%s, %s: everything %+v, brute force %+v", where, p.Period, p.Counts, totals)
			}
			want := map[string]models.Counts{}
			for _, row := range byValue {
				want[fmt.Sprint(row.Values[0])] = row.Counts
			}
			var sum models.Counts
			for _, sr := range got.Series {
				if sr.Points[k].Period != p.Period {
					t.Fatalf("%s: %v's periods are not those of everything", where, sr.Value)
				}
				if c := sr.Points[k].Counts; c != want[fmt.Sprint(sr.Value)] {
					t.Fatalf("%s, %s, %v: %+v, brute force %+v", where, p.Period, sr.Value, c, want[fmt.Sprint(sr.Value)])
				}
				sum.Add(sr.Points[k].Counts)
				if sr.Points[k].Incidents > 0 {
					nonzero++
				}
			}
			if !g.By.MultiValued() && !g.By.FromCasualtyLines() && len(kept) == len(overall) && sum != p.Counts {
				t.Fatalf("%s, %s: the series add up to %+v, everything is %+v", where, p.Period, sum, p.Counts)
			}
		}
	}
}
