package store

import (
	"context"
	"slices"
	"strings"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// RegionCounts lists every gazetteer region of the given country (all
// countries when empty) and every other region name found in the data, with
// incident counts. Incidents with no region are one entry with a nil name.
// It reads the yearly totals, so it costs the same at any size.
func (s *Store) RegionCounts(ctx context.Context, country string) ([]models.RegionCount, error) {
	type row struct {
		RegionKey string
		Region    string
		Country   string
		Incidents int64
	}
	var rows []row
	q := "SELECT t.region_key, " + labelSQL(labelRegion, "t.region_key", "min(t.region)") + " AS region, t.country, CAST(sum(t.incidents) AS BIGINT) AS incidents FROM totals_all t"
	var args []any
	if country != "" {
		q += " WHERE t.country = ?"
		args = append(args, country)
	}
	if err := s.r.WithContext(ctx).Raw(q+" GROUP BY t.region_key, t.country", args...).Scan(&rows).Error; err != nil {
		return nil, internal("region counts", err)
	}
	type key struct{ country, region string }
	counts := map[key]int64{}
	var extra []models.RegionCount
	for _, r := range rows {
		if r.Incidents <= 0 {
			continue
		}
		if reg, ok := gazetteer.LookupRegion(r.Country, r.Region); ok && r.Region != "" {
			counts[key{reg.Country, reg.Name}] += r.Incidents
			continue
		}
		rc := models.RegionCount{Incidents: r.Incidents}
		if r.Country != "" {
			rc.Country = &r.Country
		}
		if r.Region != "" {
			rc.Name = &r.Region
		}
		extra = append(extra, rc)
	}
	out := []models.RegionCount{}
	for _, reg := range gazetteer.Regions(country) {
		rc := models.RegionCount{Country: &reg.Country, Name: &reg.Name, Incidents: counts[key{reg.Country, reg.Name}]}
		if reg.Code != "" {
			rc.Code = &reg.Code
		}
		out = append(out, rc)
	}
	// Names the gazetteer does not hold follow its regions, by country then
	// name, the unknown last, so that both engines list them alike.
	slices.SortFunc(extra, func(a, b models.RegionCount) int {
		if c := compareNullLast(a.Country, b.Country); c != 0 {
			return c
		}
		return compareNullLast(a.Name, b.Name)
	})
	return append(out, extra...), nil
}

func compareNullLast(a, b *string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return strings.Compare(*a, *b)
}

// ForceCounts lists every force named by a live incident, most frequent
// first.
func (s *Store) ForceCounts(ctx context.Context) ([]models.NameCount, error) {
	var out []models.NameCount
	err := s.r.WithContext(ctx).Raw(`SELECT ` + labelSQL(labelForce, "f.name_key", "min(f.name)") + ` AS name, count(*) AS incidents
		FROM incident_forces f JOIN incidents i ON i.id = f.incident_id
		WHERE i.deleted_at IS NULL GROUP BY f.name_key ORDER BY incidents DESC, name`).Scan(&out).Error
	if out == nil {
		out = []models.NameCount{}
	}
	for i := range out {
		out[i].Name = shownName(out[i].Name)
	}
	return out, internal("force counts", err)
}

// CountryCounts lists the countries that appear in the data as hosts or
// contributors, by code; incidents with no country are one entry with a nil
// code.
func (s *Store) CountryCounts(ctx context.Context) ([]models.CountryCount, error) {
	type row struct {
		Code  string
		Count int64
	}
	var hosts, contrib []row
	db := s.r.WithContext(ctx)
	if err := db.Raw("SELECT country AS code, CAST(sum(incidents) AS BIGINT) AS count FROM totals_all GROUP BY country").Scan(&hosts).Error; err != nil {
		return nil, internal("country counts", err)
	}
	if err := db.Raw(`SELECT cc.code AS code, count(*) AS count FROM incident_countries cc JOIN incidents i ON i.id = cc.incident_id
		WHERE i.deleted_at IS NULL GROUP BY cc.code`).Scan(&contrib).Error; err != nil {
		return nil, internal("country counts", err)
	}
	byCode := map[string]*models.CountryCount{}
	var order []string
	get := func(code string) *models.CountryCount {
		if c, ok := byCode[code]; ok {
			return c
		}
		c := &models.CountryCount{}
		if code != "" {
			code := code
			name := gazetteer.CountryName(code)
			c.Code, c.Name, c.Former = &code, &name, gazetteer.IsFormer(code)
		}
		byCode[code] = c
		order = append(order, code)
		return c
	}
	for _, h := range hosts {
		if h.Count > 0 {
			get(h.Code).Incidents += h.Count
		}
	}
	for _, c := range contrib {
		get(c.Code).Contributing += c.Count
	}
	out := make([]models.CountryCount, 0, len(order))
	for _, code := range sortedWithEmptyLast(order) {
		out = append(out, *byCode[code])
	}
	return out, nil
}

func sortedWithEmptyLast(codes []string) []string {
	out := slices.Clone(codes)
	slices.SortFunc(out, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == "":
			return 1
		case b == "":
			return -1
		}
		return strings.Compare(a, b)
	})
	return out
}
