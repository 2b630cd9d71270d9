package store

import (
	"context"

	"incidentdb/models"
)

var totalsTables = []totalsTable{{"totals_all", 0, false}, {"totals_year", 4, false}, {"totals_month", 7, false}, {"totals_by_month", 7, true}}

type totalsTable struct {
	name string
	size int // length of the occurred_on prefix that names the period
	// periodOnly tables total each period over everything: their place and
	// type keys are ''.
	periodOnly bool
}

// key returns the key columns of inc's row in t: period, region_key,
// region, country, mission_key, mission, type and dataset.
func (t totalsTable) key(inc *models.Incident) (period, regionKey, region, country, missionKey, mission, typ, dataset string) {
	period = inc.OccurredOn[:t.size]
	if t.periodOnly {
		return period, "", "", "", "", "", "", ""
	}
	return period, deref(foldPtr(inc.Region)), deref(inc.Region), deref(inc.Country),
		deref(foldPtr(inc.Mission)), deref(inc.Mission), string(inc.Type), deref(inc.Dataset)
}

// incidentCounts is what one incident adds to a total.
func incidentCounts(inc *models.Incident) models.Counts {
	k, w := inc.Counted()
	return models.Counts{Incidents: 1, Killed: int64(k), Wounded: int64(w),
		KilledUnknown: int64(1 - known(inc.Killed)), WoundedUnknown: int64(1 - known(inc.Wounded))}
}

// signed is c added (sign +1) or taken away (sign -1).
func signed(c models.Counts, sign int) models.Counts {
	s := int64(sign)
	return models.Counts{Incidents: s * c.Incidents, Killed: s * c.Killed, Wounded: s * c.Wounded,
		KilledUnknown: s * c.KilledUnknown, WoundedUnknown: s * c.WoundedUnknown}
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
