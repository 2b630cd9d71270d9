package synth

import (
	"math/rand/v2"
	"slices"
	"strconv"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// stream is the second PCG seed. It is fixed so that the one seed a caller
// gives decides the whole sequence, and it is not zero so that New(0) is
// as well mixed as any other seed.
const stream = 0x5e171c1de0752013

// Generator makes synthetic incidents. The same seed gives the same
// sequence on every machine and Go version. A Generator is not safe for
// concurrent use; give each goroutine its own, with its own seed.
type Generator struct {
	src  *rand.PCG
	seed uint64
	i    uint64
	buf  []byte // reused for summaries, which are the bulk of the work
}

// New returns a generator whose sequence is decided by seed alone.
func New(seed uint64) *Generator {
	return &Generator{src: rand.NewPCG(seed, stream), seed: seed, buf: make([]byte, 0, 512)}
}

// Next returns the next incident, i = 0, 1, 2, ..., as the input a client
// would send. Every input passes IncidentInput.Normalize for any clock on
// or after 2024-01-15; nothing it returns is shared with earlier or later
// results, so callers may modify it.
func (g *Generator) Next() models.IncidentInput {
	i := g.i
	g.i++

	m := missionTable.pick(g)
	yr := years.pick(g)
	for yr.to < m.startDay {
		yr = years.pick(g) // a year before the mission existed
	}
	day := g.between(max(yr.from, m.startDay), yr.to)

	in := models.IncidentInput{
		ExternalID:    ptr(g.externalID(i)),
		OccurredOn:    ptr(dateOf(day)),
		DatePrecision: ptr(string(precisions.pick(g))),
		Mission:       ptr(m.name),
	}

	// About 3% leave the region out and a third of those the country too,
	// as records compiled from vague reports do.
	var reg region
	hasCountry := true
	switch r := g.intn(1000); {
	case r < 10:
		hasCountry = false
	case r < 30:
	default:
		reg = m.byYear[yr.year-firstYear].pick(g)
	}
	if hasCountry {
		in.Country = ptr(m.country)
	}
	if reg.name != "" {
		in.Region = ptr(reg.name)
	}
	towns := reg.towns
	if towns == nil {
		towns = pickSlice(g, m.allRegions).towns
	}
	locality := ""
	if g.permille(600) {
		locality = pickSlice(g, towns)
		in.Locality = ptr(locality)
	}
	if g.permille(500) {
		lat := float64(g.between(m.box.latMin, m.box.latMax)) / 1e4
		lon := float64(g.between(m.box.lonMin, m.box.lonMax)) / 1e4
		in.Latitude, in.Longitude = &lat, &lon
	}

	typ := types.pick(g)
	in.Type = ptr(string(typ))

	partner := g.partnerAt(m, day)
	sumK, sumW, hasNational := g.casualties(&in, m, typ, partner)

	killed, wounded := sumK, sumW
	if len(in.Casualties) > 0 {
		switch r := g.intn(100); {
		case r < 80: // left out: the totals are the sum of the lines
		case r < 95: // a partial breakdown: more were hit than the lines name
			killed, wounded = sumK+g.between(0, 5), sumW+g.between(1, 8)
			in.Killed, in.Wounded = models.Known(killed), models.Known(wounded)
		default: // given and equal to the sum
			in.Killed = models.Known(killed)
		}
	} else if g.permille(900) {
		killed, wounded = g.skewed(650, 450), g.skewed(500, 550)
		in.Killed, in.Wounded = models.Known(killed), models.Known(wounded)
	} else {
		// As ACLED's events and the UN's deaths come: no one counted
		// the wounded.
		in.Wounded = models.Unknown()
	}

	in.Forces = g.forces(m, partner, hasNational)
	in.ContributingCountries = g.contributors(m, in.Casualties)

	fr := g.permille(m.frShare)
	pl := placeOf(m, locality, reg.name, hasCountry)
	in.Summary = ptr(g.summary(m, typ, pl, fr, killed, wounded))
	in.Sources = g.sources(m, i, day, pl, fr)
	return in
}

func (g *Generator) externalID(i uint64) string {
	b := make([]byte, 0, 32)
	b = append(b, "synth-"...)
	b = strconv.AppendUint(b, g.seed, 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, i, 10)
	return string(b)
}

// partnerAt draws the one non-UN force an incident may involve, so that
// its casualty lines and its forces name the same one; nil when none was
// deployed there then.
func (g *Generator) partnerAt(m *mission, day int) *partner {
	if m.country != "ML" || !g.permille(300) {
		return nil
	}
	var active []*partner
	for i := range partners {
		if p := &partners[i]; p.fromDay <= day && day <= p.toDay {
			active = append(active, p)
		}
	}
	if len(active) == 0 {
		return nil
	}
	return pickSlice(g, active)
}

// casualties adds 0–4 lines and returns their sums and whether any counts
// national forces.
func (g *Generator) casualties(in *models.IncidentInput, m *mission, typ models.IncidentType, p *partner) (sumK, sumW int, national bool) {
	counts, groups := linesHostile, groupsHostile
	if !hostile(typ) {
		counts, groups = linesOther, groupsOther
	}
	n := counts.pick(g)
	if n == 0 {
		return 0, 0, false
	}
	in.Casualties = make([]models.CasualtyInput, 0, n)
	for range n {
		grp := groups.pick(g)
		var force, nat string
		switch grp {
		case models.Peacekeeper:
			force, nat = m.name, m.tccs.pick(g)
		case models.NationalForces:
			force, nat = m.national, m.country
			national = true
		case models.Civilian, models.Assailant:
			nat = m.country
		case models.Contractor, models.UNCivilian:
			nat = m.country
			if g.permille(400) {
				nat = m.tccs.pick(g)
			}
		case models.InternationalForces:
			switch {
			case p != nil && !p.forcesOnly:
				force, nat = p.name, pickSlice(g, p.nationals)
			case len(m.intl) > 0:
				nat = pickSlice(g, m.intl)
			}
		}
		if g.permille(nilNationality[grp]) {
			nat = ""
		}

		k, w := g.counts(typ)
		sumK += k
		sumW += w
		line := models.CasualtyInput{Group: ptr(string(grp))}
		if force != "" {
			line.Force = ptr(force)
		}
		if nat != "" {
			// Some clients send names rather than codes; "Côte d'Ivoire"
			// and "Chad" must resolve like CI and TD.
			if g.permille(50) {
				nat = gazetteer.CountryName(nat)
			}
			line.Nationality = ptr(nat)
		}
		// A zero may be left out rather than sent, which means the same.
		if k > 0 || !g.permille(150) {
			line.Killed = models.Known(k)
		}
		if w > 0 || !g.permille(150) {
			line.Wounded = models.Known(w)
		}
		in.Casualties = append(in.Casualties, line)
	}
	return sumK, sumW, national
}

// counts draws the killed and wounded of one line, at least one of them
// positive because a line of zeros is not a casualty.
func (g *Generator) counts(typ models.IncidentType) (k, w int) {
	switch typ {
	case models.Illness, models.SelfInflicted:
		k = 1
		if g.permille(100) {
			k = 2
		}
	case models.Accident:
		k, w = g.skewed(500, 300), g.skewed(300, 500)
	default:
		k, w = g.skewed(550, 500), g.skewed(350, 550)
	}
	if k == 0 && w == 0 {
		if g.permille(500) {
			k = 1
		} else {
			w = 1
		}
	}
	return k, w
}

// forces lists the mission first, then the national force, then a partner:
// one to three names, always including every force a line names.
func (g *Generator) forces(m *mission, p *partner, national bool) []string {
	out := make([]string, 1, 3)
	out[0] = m.name
	if national || g.permille(550) {
		out = append(out, m.national)
	}
	if p != nil {
		out = append(out, p.name)
	}
	return out
}

// contributors is usually left out, so that it is derived from the lines;
// when given, it names the foreign nationalities of the lines and sometimes
// one more, as a source listing every contingent involved would.
func (g *Generator) contributors(m *mission, lines []models.CasualtyInput) []string {
	if !g.permille(100) {
		return nil
	}
	out := []string{}
	for _, l := range lines {
		if l.Nationality == nil {
			continue
		}
		code, ok := gazetteer.LookupCountry(*l.Nationality)
		if ok && code != m.country && !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	if len(out) == 0 || g.permille(300) {
		if c := m.tccs.pick(g); !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

var sourceCounts = newWeighted(choice[int]{0, 30}, choice[int]{1, 50}, choice[int]{2, 20})

func (g *Generator) sources(m *mission, i uint64, day int, pl place, fr bool) []models.SourceInput {
	n := sourceCounts.pick(g)
	if n == 0 {
		return nil
	}
	out := make([]models.SourceInput, 0, n)
	idx := strconv.FormatUint(i, 10)
	for k := range n {
		french := fr
		if g.permille(300) {
			french = !fr
		}
		var title, lang string
		switch {
		case french && g.permille(500):
			title, lang = "Rapport de situation synthétique n° "+idx, "fr"
		case french:
			title, lang = "Communiqué synthétique sur un incident "+pl.nearFR, "fr"
		case g.permille(500):
			title, lang = "Synthetic situation report no. "+idx, "en"
		default:
			title, lang = "Synthetic press release on an incident "+pl.nearEN, "en"
		}
		pub := publisherTable.pick(g)
		if pub == "" {
			pub = m.name
		}
		url := "https://example.org/synthetic/" + idx
		if k > 0 {
			url += "/" + strconv.Itoa(k+1)
		}
		s := models.SourceInput{Title: ptr(title), Publisher: ptr(pub), URL: ptr(url), Language: ptr(lang)}
		if g.permille(700) {
			s.PublishedOn = ptr(dateOf(day + g.between(0, 14)))
		}
		out = append(out, s)
	}
	return out
}

func ptr[T any](v T) *T { return &v }
