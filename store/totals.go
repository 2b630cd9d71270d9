package store

import (
	"context"

	"gorm.io/gorm"

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
// region, country, mission_key, mission and type.
func (t totalsTable) key(inc *models.Incident) (period, regionKey, region, country, missionKey, mission, typ string) {
	period = inc.OccurredOn[:t.size]
	if t.periodOnly {
		return period, "", "", "", "", "", ""
	}
	return period, deref(foldPtr(inc.Region)), deref(inc.Region), deref(inc.Country),
		deref(foldPtr(inc.Mission)), deref(inc.Mission), string(inc.Type)
}

// applyTotals adds (sign +1) or removes (sign -1) one live incident from the
// report totals, inside the caller's transaction.
func applyTotals(tx *gorm.DB, inc *models.Incident, sign int) error {
	for _, t := range totalsTables {
		period, regionKey, region, country, missionKey, mission, typ := t.key(inc)
		err := tx.Exec(`INSERT INTO `+t.name+` (period, region_key, region, country, mission_key, mission, type, incidents, killed, wounded)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (period, region_key, country, mission_key, type) DO UPDATE SET
				incidents = `+t.name+`.incidents + excluded.incidents,
				killed = `+t.name+`.killed + excluded.killed,
				wounded = `+t.name+`.wounded + excluded.wounded`,
			period, regionKey, region, country, missionKey, mission, typ,
			sign, sign*inc.Killed, sign*inc.Wounded).Error
		if err != nil {
			return err
		}
		if sign < 0 {
			err := tx.Exec(`DELETE FROM `+t.name+` WHERE period = ? AND region_key = ? AND country = ? AND mission_key = ? AND type = ? AND incidents <= 0`,
				period, regionKey, country, missionKey, typ).Error
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// bumpGeneration marks that the data changed; see the meta table.
func bumpGeneration(tx *gorm.DB) error {
	return tx.Exec("UPDATE meta SET value = value + 1 WHERE key = 'generation'").Error
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
