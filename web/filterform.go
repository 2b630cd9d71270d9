package web

import (
	"context"
	"net/url"
	"slices"
	"sort"
	"strings"

	"incidentdb/models"
)

// filterForm is the filter bar: what the query asked, and what the
// pickers offer.
type filterForm struct {
	Q         url.Values
	Regions   []option
	Countries []option
	Types     []option
	Groups    []option
	Forces    []string
	Missions  []string
	Datasets  []string
	Nations   []string
}

type option struct {
	Value, Label string
	Selected     bool
}

// Has reports whether the query gave value for name, for a select's
// selected options.
func (f filterForm) Has(name, value string) bool {
	for _, v := range f.Q[name] {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), value) {
				return true
			}
		}
	}
	return false
}

// Get is the query's value for a text field.
func (f filterForm) Get(name string) string { return strings.Join(f.Q[name], ",") }

func (a *App) filterForm(ctx context.Context, q url.Values) filterForm {
	form := filterForm{Q: q}
	// The pickers are a convenience: if the store cannot list them the
	// form still takes typed values, so an error here shows an empty list.
	if regions, err := a.db.RegionCounts(ctx, ""); err == nil {
		for _, r := range regions {
			// Regions without incidents would bury the few that have any
			// under two hundred names; a typed region still filters.
			if r.Name == nil || r.Incidents == 0 && !form.Has("region", *r.Name) {
				continue
			}
			label := *r.Name
			if r.Country != nil {
				label += " (" + *r.Country + ")"
			}
			form.Regions = append(form.Regions, option{Value: *r.Name, Label: label, Selected: form.Has("region", *r.Name)})
		}
	}
	if countries, err := a.db.CountryCounts(ctx); err == nil {
		for _, co := range countries {
			if co.Code == nil || co.Name == nil {
				continue
			}
			if co.Incidents > 0 {
				form.Countries = append(form.Countries, option{Value: *co.Code, Label: *co.Name, Selected: form.Has("country", *co.Code)})
			}
			form.Nations = append(form.Nations, *co.Name)
		}
	}
	if forces, err := a.db.ForceCounts(ctx); err == nil {
		for _, fc := range forces {
			form.Forces = append(form.Forces, fc.Name)
		}
	}
	for _, d := range []struct {
		dim  models.Dimension
		into *[]string
	}{{"mission", &form.Missions}, {"dataset", &form.Datasets}} {
		rep, err := a.db.CasualtyReport(ctx, models.Filter{}, []models.Dimension{d.dim})
		if err != nil {
			continue
		}
		for _, r := range rep.Rows {
			if r.Values[0] != nil {
				*d.into = append(*d.into, valueText(r.Values[0]))
			}
		}
		sort.Strings(*d.into)
	}
	for _, t := range models.IncidentTypes {
		form.Types = append(form.Types, option{Value: string(t), Selected: form.Has("type", string(t))})
	}
	for _, g := range models.Groups {
		form.Groups = append(form.Groups, option{Value: string(g), Selected: form.Has("group", string(g))})
	}
	slices.Sort(form.Nations)
	form.Nations = slices.Compact(form.Nations)
	return form
}
