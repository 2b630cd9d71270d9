package web

import (
	"context"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

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

// pickers are the names the filter bar offers. They are read at most once
// a minute, whatever is written meanwhile: at a million incidents the
// lists of forces and countries take seconds, and a name new since is
// still taken when typed.
type pickers struct {
	regions   []option
	countries []option
	forces    []string
	missions  []string
	datasets  []string
	nations   []string
}

type pickerCache struct {
	mu   sync.Mutex
	read time.Time
	p    *pickers
}

const pickersFor = time.Minute

func (a *App) pickers(ctx context.Context) *pickers {
	a.pickerCache.mu.Lock()
	defer a.pickerCache.mu.Unlock()
	if p := a.pickerCache.p; p != nil && time.Since(a.pickerCache.read) < pickersFor {
		return p
	}
	p := &pickers{}
	failed := false
	// The pickers are a convenience: if the store cannot list them the
	// form still takes typed values, so an error here shows an empty list.
	regions, err := a.db.RegionCounts(ctx, "")
	failed = failed || err != nil
	if err == nil {
		for _, r := range regions {
			if r.Name == nil || r.Incidents == 0 {
				continue
			}
			label := *r.Name
			if r.Country != nil {
				label += " (" + *r.Country + ")"
			}
			p.regions = append(p.regions, option{Value: *r.Name, Label: label})
		}
	}
	if countries, err := a.db.CountryCounts(ctx); err == nil {
		for _, co := range countries {
			if co.Code == nil || co.Name == nil {
				continue
			}
			if co.Incidents > 0 {
				p.countries = append(p.countries, option{Value: *co.Code, Label: *co.Name})
			}
			p.nations = append(p.nations, *co.Name)
		}
	}
	if forces, err := a.db.ForceCounts(ctx); err == nil {
		for _, fc := range forces {
			p.forces = append(p.forces, fc.Name)
		}
	}
	for _, d := range []struct {
		dim  models.Dimension
		into *[]string
	}{{"mission", &p.missions}, {"dataset", &p.datasets}} {
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
	slices.Sort(p.nations)
	p.nations = slices.Compact(p.nations)
	if !failed {
		a.pickerCache.read, a.pickerCache.p = time.Now(), p
	}
	return p
}

func (a *App) filterForm(ctx context.Context, q url.Values) filterForm {
	p := a.pickers(ctx)
	form := filterForm{Q: q, Forces: p.forces, Missions: p.missions, Datasets: p.datasets, Nations: p.nations}
	selected := func(name string, opts []option) []option {
		out := make([]option, len(opts))
		for i, o := range opts {
			o.Selected = form.Has(name, o.Value)
			out[i] = o
		}
		return out
	}
	form.Regions = selected("region", p.regions)
	form.Countries = selected("country", p.countries)
	for _, t := range models.IncidentTypes {
		form.Types = append(form.Types, option{Value: string(t), Selected: form.Has("type", string(t))})
	}
	for _, g := range models.Groups {
		form.Groups = append(form.Groups, option{Value: string(g), Selected: form.Has("group", string(g))})
	}
	return form
}
