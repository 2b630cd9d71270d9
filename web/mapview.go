package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"slices"
	"sort"
	"strings"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
	"incidentdb/web/geo"
)

// mapView is the dashboard's map: the host country's outline with its
// neighbours, a circle per region at its capital sized by its killed, and
// the incidents that have coordinates as points.
type mapView struct {
	SVG       template.HTML
	Countries []string
	Names     []string
	// Unplaced counts the killed of regions the map cannot place (no
	// region, or one without a capital in the gazetteer), so that the map
	// never silently drops a figure.
	Unplaced int64
}

const (
	mapWidth     = 600.0
	maxRadius    = 30.0
	mapPoints    = 500
	labelRegions = 6
)

type regionSymbol struct {
	name     string
	x, y     float64
	counts   models.Counts
	radius   float64
	labelled bool
}

func (a *App) fillMap(ctx context.Context, l *lang, f models.Filter, d *dashboardData) error {
	rep, err := a.db.CasualtyReport(ctx, f, []models.Dimension{"country", "region"})
	if err != nil {
		return err
	}
	codes := mapCountries(f, rep)
	if len(codes) == 0 {
		return nil
	}
	m, ok := geo.ForCountries(codes, mapWidth)
	if !ok {
		return nil
	}
	var symbols []regionSymbol
	var top int64
	for _, r := range rep.Rows {
		country, region := valueText(r.Values[0]), valueText(r.Values[1])
		if !slices.Contains(codes, country) {
			continue
		}
		capital, ok := gazetteer.CapitalOf(country, region)
		if region == "" || !ok {
			d.Map.Unplaced += r.Killed
			continue
		}
		x, y := m.Project(capital.Lon, capital.Lat)
		symbols = append(symbols, regionSymbol{name: region, x: x, y: y, counts: r.Counts})
		top = max(top, r.Killed)
	}
	// Largest first, so that small circles are drawn over large ones and
	// stay visible; the largest get a label.
	sort.SliceStable(symbols, func(i, j int) bool { return symbols[i].counts.Killed > symbols[j].counts.Killed })
	for i := range symbols {
		if top > 0 {
			symbols[i].radius = maxRadius * math.Sqrt(float64(symbols[i].counts.Killed)/float64(top))
		}
		symbols[i].labelled = i < labelRegions && symbols[i].counts.Killed > 0
	}
	page := models.Page{Sort: "-killed", Limit: mapPoints}
	list, err := a.db.ListIncidents(ctx, f, page)
	if err != nil {
		return err
	}
	var b strings.Builder
	title := l.T("map.title")
	fmt.Fprintf(&b, `<svg viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`,
		m.Width(), m.Height(), template.HTMLEscapeString(title), template.HTMLEscapeString(title))
	for _, code := range m.Countries() {
		fill, stroke := "#e4e4e4", "#9a9a9a"
		if slices.Contains(codes, code) {
			fill, stroke = "#fbfaf5", "#555"
		}
		fmt.Fprintf(&b, `<path d="%s" fill="%s" stroke="%s" stroke-width="0.8"><title>%s</title></path>`, m.Outline(code), fill, stroke,
			template.HTMLEscapeString(countryLabel(code)))
	}
	for _, inc := range list.Items {
		if inc.Latitude == nil || inc.Longitude == nil || !m.Contains(*inc.Longitude, *inc.Latitude) {
			continue
		}
		x, y := m.Project(*inc.Longitude, *inc.Latitude)
		fmt.Fprintf(&b, `<circle class="incident" cx="%.1f" cy="%.1f" r="2.5" fill="#1a1a1a"><title>%s</title></circle>`, x, y,
			template.HTMLEscapeString(fmt.Sprintf("%d · %s · %s / %s", inc.ID, l.Date(inc.OccurredOn, inc.DatePrecision), l.Figure(inc.Killed), l.Figure(inc.Wounded))))
	}
	for _, s := range symbols {
		label := l.T("map.region", s.name, s.counts.Killed, s.counts.Wounded, s.counts.Incidents)
		if s.radius < 1.5 {
			fmt.Fprintf(&b, `<circle class="region" cx="%.1f" cy="%.1f" r="3" fill="none" stroke="%s" stroke-width="1.5"><title>%s</title></circle>`, s.x, s.y, palette[0], template.HTMLEscapeString(label))
			continue
		}
		fmt.Fprintf(&b, `<circle class="region" cx="%.1f" cy="%.1f" r="%.1f" fill="%s" fill-opacity="0.55" stroke="%s" stroke-width="1"><title>%s</title></circle>`,
			s.x, s.y, s.radius, palette[0], palette[0], template.HTMLEscapeString(label))
	}
	for _, s := range symbols {
		if s.labelled {
			// A label that would run off the right edge goes on the left.
			x, anchor := s.x+s.radius+3, "start"
			if x+110 > m.Width() {
				x, anchor = s.x-s.radius-3, "end"
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s" font-size="12" fill="#111" stroke="#fff" stroke-width="3" paint-order="stroke">%s · %s</text>`,
				x, s.y+4, anchor, template.HTMLEscapeString(s.name), l.N(s.counts.Killed))
		}
	}
	b.WriteString(`</svg>`)
	d.Map.SVG = template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
	d.Map.Countries = codes
	for _, c := range codes {
		d.Map.Names = append(d.Map.Names, countryLabel(c))
	}
	return nil
}

// mapCountries are the countries the map shows: those the filter names,
// else the one with the most incidents.
func mapCountries(f models.Filter, rep models.Report) []string {
	codes := slices.Clone(f.Countries)
	for _, r := range f.Regions {
		if r.Country != "" && !slices.Contains(codes, r.Country) {
			codes = append(codes, r.Country)
		}
	}
	if len(codes) > 0 {
		return codes
	}
	byCountry := map[string]int64{}
	for _, r := range rep.Rows {
		if c := valueText(r.Values[0]); c != "" {
			byCountry[c] += r.Incidents
		}
	}
	best, most := "", int64(0)
	for c, n := range byCountry {
		if n > most || n == most && c < best {
			best, most = c, n
		}
	}
	if best == "" {
		return nil
	}
	return []string{best}
}

func countryLabel(code string) string {
	if n := gazetteer.CountryName(code); n != "" {
		return n
	}
	return code
}
