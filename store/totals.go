package store

import (
	"context"

	"incidentdb/models"
)

var totalsTables = []totalsTable{{"totals_all", 0, false, false}, {"totals_year", 4, false, false}, {"totals_month", 7, false, false},
	{"totals_by_month", 7, true, false}, {"totals_year_place", 4, false, true}}

type totalsTable struct {
	name string
	size int // length of the occurred_on prefix that names the period
	// periodOnly tables total each period over everything: their place and
	// type keys are ''.
	periodOnly bool
	// placeOnly tables total each period and place over every mission,
	// type and dataset: those keys are ''.
	placeOnly bool
}

// key returns the key columns of inc's row in t: period, region_key,
// region, country, mission_key, mission, type and dataset.
func (t totalsTable) key(inc *models.Incident) (period, regionKey, region, country, missionKey, mission, typ, dataset string) {
	period = inc.OccurredOn[:t.size]
	if t.periodOnly {
		return period, "", "", "", "", "", "", ""
	}
	if t.placeOnly {
		return period, deref(foldPtr(inc.Region)), deref(inc.Region), deref(inc.Country), "", "", "", ""
	}
	return period, deref(foldPtr(inc.Region)), deref(inc.Region), deref(inc.Country),
		deref(foldPtr(inc.Mission)), deref(inc.Mission), string(inc.Type), deref(inc.Dataset)
}

// sumColumns are the summed columns of every totals table, in the order
// of a sums.
var sumColumns = []string{"incidents", "killed", "wounded", "killed_unknown", "wounded_unknown",
	"killed_low", "killed_high", "wounded_low", "wounded_high"}

// sums is a row's part of a totals table, by sumColumns.
type sums [9]int64

// incidentSums is what one incident adds to a total, times sign (+1 to
// add it, -1 to take it away).
func incidentSums(inc *models.Incident, sign int) sums {
	k, w := inc.Counted()
	kl, wl := inc.CountedAs(models.Low)
	kh, wh := inc.CountedAs(models.High)
	s := int64(sign)
	return sums{s, s * int64(k), s * int64(w), s * int64(1-known(inc.Killed)), s * int64(1-known(inc.Wounded)),
		s * int64(kl), s * int64(kh), s * int64(wl), s * int64(wh)}
}

func (a *sums) add(b sums) {
	for i := range a {
		a[i] += b[i]
	}
}

// periodSize is the length of the occurred_on prefix that names a period
// of the totals table called name.
func periodSize(name string) int {
	for _, t := range totalsTables {
		if t.name == name {
			return t.size
		}
	}
	panic("store: no totals table " + name)
}

// Generation is a number that grows with every committed write. Equal
// generations mean equal data, so it makes ETags and cache keys for
// anything computed from the whole data set.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	var g int64
	err := s.r.WithContext(ctx).Raw("SELECT value FROM meta WHERE key = 'generation'").Scan(&g).Error
	return g, internal("generation", err)
}

// Generations are the data's generation and the counts': the data's as of
// the last write that could move a count or a sum, which an edit of a
// summary or a locality alone cannot. Answers that read neither of those
// (reports, pickers, list totals of filters without q or updated_since)
// stay right as long as the counts' generation stays.
func (s *Store) Generations(ctx context.Context) (data, counts int64, err error) {
	rows, err := s.r.WithContext(ctx).Raw("SELECT key, value FROM meta WHERE key IN ('generation', 'counts_generation')").Rows()
	if err != nil {
		return 0, 0, internal("generations", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var value int64
		if err := rows.Scan(&key, &value); err != nil {
			return 0, 0, internal("generations", err)
		}
		if key == "generation" {
			data = value
		} else {
			counts = value
		}
	}
	return data, counts, internal("generations", rows.Err())
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// LiveIncidents counts live incidents from the yearly totals: exact, and
// cheap enough for a metrics scrape at any size.
func (s *Store) LiveIncidents(ctx context.Context) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Raw("SELECT CAST(coalesce(sum(incidents), 0) AS BIGINT) FROM totals_all").Scan(&n).Error
	return n, internal("live incidents", err)
}
