package store

import (
	"context"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"incidentdb/models"
)

// where renders a Filter as SQL over incidents aliased "i". It is the one
// translation of filters to SQL: the list, the exports and the reports all
// call it, so they select the same incidents. Child-table filters are IN
// subqueries on the (key, incident_id) indexes, which SQLite answers from
// the index alone.
func where(d dialect, f models.Filter) (string, []any) {
	conds := []string{"i.deleted_at IS NULL"}
	if f.Deleted {
		conds[0] = "i.deleted_at IS NOT NULL"
	}
	var args []any
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	placeConds("i", f, add)
	if len(f.Forces) > 0 {
		add("i.id IN (SELECT incident_id FROM incident_forces WHERE name_key IN ?)", f.Forces)
	}
	if len(f.ContributingCountries) > 0 {
		add("i.id IN (SELECT incident_id FROM incident_countries WHERE code IN ?)", f.ContributingCountries)
	}
	// Group and nationality together ask for one line of both: "Nigerien
	// peacekeepers" is not a Nigerien civilian in an attack that also hit
	// peacekeepers of Chad. Reports count those lines (see partsJoin).
	switch {
	case len(f.Nationalities) > 0 && len(f.Groups) > 0:
		add("i.id IN (SELECT incident_id FROM casualties WHERE nationality IN ? AND grp IN ?)", f.Nationalities, models.Names(f.Groups))
	case len(f.Nationalities) > 0:
		add("i.id IN (SELECT incident_id FROM casualties WHERE nationality IN ?)", f.Nationalities)
	case len(f.Groups) > 0:
		// grp <> '' lets the planners use the group index, which leaves out
		// the parts no line holds.
		add("i.id IN (SELECT incident_id FROM casualties WHERE grp IN ? AND grp <> '')", models.Names(f.Groups))
	}
	if len(f.ExternalIDs) > 0 {
		add("i.external_id IN ?", f.ExternalIDs)
	}
	if f.Conflict != nil {
		add("i.conflict = ?", flag(*f.Conflict))
	}
	if f.From != nil {
		add("i.occurred_on >= ?", *f.From)
	}
	if f.To != nil {
		add("i.occurred_on <= ?", *f.To)
	}
	// A figure not known is not "at least" anything, not even 0.
	if f.MinKilled != nil {
		add("i.killed >= ? AND i.killed_known = 1", *f.MinKilled)
	}
	if f.MinWounded != nil {
		add("i.wounded >= ? AND i.wounded_known = 1", *f.MinWounded)
	}
	if f.UpdatedSince != nil {
		add("i.updated_at >= ?", *f.UpdatedSince)
	}
	if len(f.Words) > 0 {
		// Prefixes: "attack" finds "attacks" and "attackers".
		cond, arg := d.textMatch(f.Words)
		add(cond, arg)
	}
	return strings.Join(conds, " AND "), args
}

// ListIncidents returns one page of live incidents matching f, in the
// page's order, with the total count of matches. Paging is by keyset, so a
// deep page costs what the first one does.
func (s *Store) ListIncidents(ctx context.Context, f models.Filter, p models.Page) (models.ListResult, error) {
	db := s.r.WithContext(ctx)
	cond, args := where(s.d, f)
	total, err := s.countMatching(ctx, f, cond, args)
	if err != nil {
		return models.ListResult{}, err
	}
	col := p.Sort.Column()
	dir, op := "ASC", ">"
	if p.Sort.Desc() {
		dir, op = "DESC", "<"
	}
	if p.Cursor != nil && col == "occurred_on" && (f.To != nil || f.From != nil) {
		// The cursor's date came from a row inside the range, so the bound
		// ahead of it is implied; keeping it makes SQLite start its index
		// range at that bound and walk every row before the cursor.
		g := f
		if p.Sort.Desc() {
			g.To = nil
		} else {
			g.From = nil
		}
		cond, args = where(s.d, g)
	}
	if c := p.Cursor; c != nil {
		if col == "id" {
			cond += " AND i.id " + op + " ?"
			args = append(args, c.ID)
		} else {
			var v any = c.Value
			if col == "killed" || col == "wounded" {
				n, _ := strconv.Atoi(c.Value)
				v = n
			}
			cond += " AND (i." + col + ", i.id) " + op + " (?, ?)"
			args = append(args, v, c.ID)
		}
	}
	order := "i.id " + dir
	if col != "id" {
		order = "i." + col + " " + dir + ", " + order
	}
	q := "SELECT " + incidentColumns + " FROM incidents i WHERE " + cond + " ORDER BY " + order + " LIMIT " + strconv.Itoa(p.Limit+1)
	rows, more, err := queryPage(db, q, args, p.Limit)
	if err != nil {
		return models.ListResult{}, internal("list incidents", err)
	}
	res := models.ListResult{Total: total}
	if more {
		last := rows[len(rows)-1]
		next := &models.Cursor{Sort: p.Sort, ID: last.ID}
		switch col {
		case "occurred_on":
			next.Value = last.OccurredOn
		case "updated_at":
			next.Value = last.Updated
		case "killed":
			next.Value = strconv.Itoa(last.Killed)
		case "wounded":
			next.Value = strconv.Itoa(last.Wounded)
		}
		res.Next = next
	}
	res.Items = make([]models.Incident, len(rows))
	for i, r := range rows {
		res.Items[i] = fromRow(r)
	}
	return res, nil
}

// queryPage reads up to limit incidents of q, and stops early once they
// hold models.MaxPageBytes of text (a page always holds one): rows are
// read one at a time, so a page of large incidents never sits in memory
// whole. more reports whether rows were left.
func queryPage(db *gorm.DB, q string, args []any, limit int) ([]incidentRow, bool, error) {
	rs, err := db.Raw(q, args...).Rows()
	if err != nil {
		return nil, false, err
	}
	defer rs.Close()
	var out []incidentRow
	size := 0
	for rs.Next() {
		var r incidentRow
		if err := scanIncident(rs, &r); err != nil {
			return nil, false, err
		}
		n := r.size()
		if len(out) == limit || len(out) > 0 && size+n > models.MaxPageBytes {
			return out, true, nil
		}
		size += n
		out = append(out, r)
	}
	return out, false, rs.Err()
}

// CountIncidents counts live incidents, for seeding and metrics.
func (s *Store) CountIncidents(ctx context.Context) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Raw("SELECT count(*) FROM incidents WHERE deleted_at IS NULL").Scan(&n).Error
	return n, internal("count incidents", err)
}

// placeConds adds the filters on where and by whom: region, country,
// mission and type. The incidents table and the totals tables name these
// columns alike, so both take them from here.
func placeConds(alias string, f models.Filter, add func(string, ...any)) {
	if len(f.Regions) > 0 {
		c, a := regionCond(alias, f.Regions)
		add(c, a...)
	}
	if len(f.Countries) > 0 {
		add(alias+".country IN ?", f.Countries)
	}
	if len(f.Missions) > 0 {
		add(alias+".mission_key IN ?", f.Missions)
	}
	if len(f.Types) > 0 {
		add(alias+".type IN ?", models.Names(f.Types))
	}
	if len(f.Datasets) > 0 {
		add(alias+".dataset IN ?", f.Datasets)
	}
}

// regionCond matches any of the regions, each within its country when the
// filter knows it.
func regionCond(alias string, refs []models.RegionRef) (string, []any) {
	var keys []string
	var parts []string
	var args []any
	for _, r := range refs {
		if r.Country != "" {
			parts = append(parts, "("+alias+".region_key = ? AND "+alias+".country = ?)")
			args = append(args, r.Key, r.Country)
		} else {
			keys = append(keys, r.Key)
		}
	}
	if len(keys) > 0 {
		parts = append(parts, alias+".region_key IN ?")
		args = append(args, keys)
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}
