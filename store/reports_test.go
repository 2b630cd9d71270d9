package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// randomIncident is synthetic: a few values per field so that groups and
// filters collide often.
func randomIncident(r *rand.Rand) models.IncidentInput {
	pick := func(xs ...string) *string {
		v := xs[r.IntN(len(xs))]
		if v == "" {
			return nil
		}
		return &v
	}
	day := fmt.Sprintf("%04d-%02d-%02d", 2015+r.IntN(4), 1+r.IntN(12), 1+r.IntN(28))
	in := models.IncidentInput{
		OccurredOn: &day,
		Type:       pick("ied", "ambush", "armed_attack", "indirect_fire"),
		Mission:    pick("MINUSMA", "MINUSMA", "MINUSCA", ""),
		Summary:    pick("Attaque près de Ménaka", "Convoy hit an IED", "Tirs indirects sur le camp", ""),
	}
	in.Country = pick("ML", "ML", "ML", "CF", "")
	if in.Country != nil && *in.Country == "ML" {
		in.Region = pick("Ménaka", "Mopti", "Gao", "Kidal", "")
	} else if in.Country != nil {
		in.Region = pick("Ouaka", "Bangui", "")
	}
	in.Dataset = pick("acled", "un-fatalities", "", "")
	// Figures not known, now and then: one in six line figures, one in
	// eight incident totals.
	figure := func(n int) models.Figure {
		if r.IntN(6) == 0 {
			return models.Unknown()
		}
		return models.Known(n)
	}
	sum := 0
	for range r.IntN(4) {
		k, w := r.IntN(3), r.IntN(4)
		if k+w == 0 {
			k = 1
		}
		line := models.CasualtyInput{
			Group: pick("peacekeeper", "peacekeeper", "national_forces", "civilian"), Nationality: pick("NE", "BF", "TD", "ML", ""),
			Force: pick("MINUSMA", "FAMa", ""), Killed: figure(k), Wounded: figure(w),
		}
		sum += models.Value0(line.Killed.Value)
		in.Casualties = append(in.Casualties, line)
	}
	if r.IntN(3) == 0 {
		in.Forces = []string{*pick("MINUSMA", "Barkhane"), *pick("FAMa", "G5 Sahel", "MINUSMA")}
	}
	switch r.IntN(8) {
	case 0, 1:
		// A total above the breakdown: someone the lines do not name.
		in.Killed = models.Known(sum + r.IntN(5))
	case 2:
		in.Killed = models.Unknown()
	case 3:
		in.Wounded = models.Unknown()
	}
	// Claims that disagree, one in four incidents: on the total and on a
	// line, so that the estimates part from the best figure.
	if r.IntN(4) == 0 {
		in.Sources = []models.SourceInput{{Title: pick("A statement")}}
		src := &models.ClaimSourceInput{Source: ptr(0)}
		other := &models.ClaimSourceInput{Dataset: ptr("acled"), ExternalID: ptr("X1")}
		if in.Killed.Value != nil {
			v := *in.Killed.Value
			in.Killed = models.Figure{}
			in.Claims = append(in.Claims, models.ClaimInput{Figure: ptr("killed"), Source: src, Value: ptr(v)},
				models.ClaimInput{Figure: ptr("killed"), Source: other, Value: ptr(v + 1 + r.IntN(3))})
		}
		if len(in.Casualties) == 1 {
			c := in.Casualties[0]
			g := *c.Group
			in.Claims = append(in.Claims, models.ClaimInput{Figure: ptr("wounded"), Group: &g, Nationality: c.Nationality, Source: other,
				Low: ptr(1 + r.IntN(2)), High: ptr(3 + r.IntN(4)), Qualifier: ptr("approximate")})
			in.Casualties[0].Wounded = models.Figure{}
		}
	}
	return in
}

// bruteReport computes a casualty report from the incidents themselves,
// following the rules of the README ("How figures are counted") rather
// than the store's SQL: a report counts incidents, or (grouped by group or
// nationality, or filtered by them) the parts of incidents, which are the
// casualty lines and the part no line holds; an unknown figure adds what
// is known of it and is counted among the unknowns.
func bruteReport(incs []models.Incident, f models.Filter, dims []models.Dimension) ([]models.ReportRow, models.Counts) {
	type cell struct {
		vals                          []any
		incidents, kUnknown, wUnknown map[int64]bool
		k, w                          int64
	}
	newCell := func(vals []any) *cell {
		return &cell{vals: vals, incidents: map[int64]bool{}, kUnknown: map[int64]bool{}, wUnknown: map[int64]bool{}}
	}
	cells := map[string]*cell{}
	byParts := len(f.Groups)+len(f.Nationalities) > 0 || slices.ContainsFunc(dims, models.Dimension.FromCasualtyLines)
	all, incidents := newCell(nil), newCell(nil)
	for _, inc := range incs {
		if !matches(inc, f) {
			continue
		}
		{
			// The totals without a group or nationality filter are the
			// incidents' own, whatever the dimensions.
			k, w := inc.CountedAs(estimateOf(f))
			incidents.incidents[inc.ID] = true
			incidents.k += int64(k)
			incidents.w += int64(w)
			if inc.Killed == nil {
				incidents.kUnknown[inc.ID] = true
			}
			if inc.Wounded == nil {
				incidents.wUnknown[inc.ID] = true
			}
		}
		type unit struct {
			group, nationality any
			k, w               int64
			kUnknown, wUnknown bool
		}
		var units []unit
		if byParts {
			for _, c := range inc.Casualties {
				k, w := c.Figures(estimateOf(f))
				units = append(units, unit{group: string(c.Group), nationality: strOrNil(c.Nationality),
					k: int64(models.Value0(k)), w: int64(models.Value0(w)), kUnknown: c.Killed == nil, wUnknown: c.Wounded == nil})
			}
			if inc.HasUnattributed() {
				k, w := inc.UnattributedAs(estimateOf(f))
				units = append(units, unit{k: int64(models.Value0(k)), w: int64(models.Value0(w)), kUnknown: k == nil, wUnknown: w == nil})
			}
			units = slices.DeleteFunc(units, func(u unit) bool {
				g, _ := u.group.(string)
				n, _ := u.nationality.(string)
				return len(f.Groups) > 0 && !slices.Contains(f.Groups, models.Group(g)) ||
					len(f.Nationalities) > 0 && !slices.Contains(f.Nationalities, n)
			})
		} else {
			k, w := inc.CountedAs(estimateOf(f))
			units = []unit{{k: int64(k), w: int64(w), kUnknown: inc.Killed == nil, wUnknown: inc.Wounded == nil}}
		}
		add := func(c *cell, u unit) {
			c.incidents[inc.ID] = true
			c.k += u.k
			c.w += u.w
			if u.kUnknown {
				c.kUnknown[inc.ID] = true
			}
			if u.wUnknown {
				c.wUnknown[inc.ID] = true
			}
		}
		for _, u := range units {
			add(all, u)
			combos := [][]any{{}}
			for _, d := range dims {
				var vs []any
				switch d {
				case "region":
					vs = []any{strOrNil(inc.Region)}
				case "country":
					vs = []any{strOrNil(inc.Country)}
				case "mission":
					vs = []any{strOrNil(inc.Mission)}
				case "type":
					vs = []any{string(inc.Type)}
				case "dataset":
					vs = []any{strOrNil(inc.Dataset)}
				case "year":
					var y int
					fmt.Sscan(inc.OccurredOn[:4], &y)
					vs = []any{y}
				case "month":
					vs = []any{inc.OccurredOn[:7]}
				case "force":
					for _, x := range inc.Forces {
						vs = append(vs, x)
					}
					if len(vs) == 0 {
						vs = []any{nil}
					}
				case "contributing_country":
					for _, x := range inc.ContributingCountries {
						vs = append(vs, x)
					}
					if len(vs) == 0 {
						vs = []any{nil}
					}
				case "group":
					vs = []any{u.group}
				case "nationality":
					vs = []any{u.nationality}
				}
				var next [][]any
				for _, c := range combos {
					for _, v := range vs {
						next = append(next, append(slices.Clone(c), v))
					}
				}
				combos = next
			}
			for _, c := range combos {
				key := fmt.Sprint(c...)
				if slices.Contains(dims, "region") && inc.Region != nil {
					key += "|" + fmt.Sprint(strOrNil(inc.Country)) // a region groups within its country
				}
				if cells[key] == nil {
					cells[key] = newCell(c)
				}
				add(cells[key], u)
			}
		}
	}
	counts := func(c *cell) models.Counts {
		return models.Counts{Incidents: int64(len(c.incidents)), Killed: c.k, Wounded: c.w,
			KilledUnknown: int64(len(c.kUnknown)), WoundedUnknown: int64(len(c.wUnknown))}
	}
	rows := []models.ReportRow{}
	for _, c := range cells {
		rows = append(rows, models.ReportRow{Values: c.vals, Counts: counts(c)})
	}
	sort.Slice(rows, func(i, j int) bool { return fmt.Sprint(rows[i].Values) < fmt.Sprint(rows[j].Values) })
	if len(f.Groups)+len(f.Nationalities) == 0 {
		return rows, counts(incidents)
	}
	return rows, counts(all)
}

// estimateOf is the estimate f asks for (best when it says none).
func estimateOf(f models.Filter) models.Estimate {
	if f.Estimate == "" {
		return models.Best
	}
	return f.Estimate
}

func strOrNil(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func matches(inc models.Incident, f models.Filter) bool {
	in := func(list []string, v *string, fold bool) bool {
		if len(list) == 0 {
			return true
		}
		if v == nil {
			return false
		}
		x := *v
		if fold {
			x = gazetteer.Fold(x)
		}
		return slices.Contains(list, x)
	}
	anyOf := func(list []string, vs []string, fold bool) bool {
		if len(list) == 0 {
			return true
		}
		for _, v := range vs {
			if in(list, &v, fold) {
				return true
			}
		}
		return false
	}
	// Group and nationality together ask for one line of both.
	lineOK := len(f.Groups)+len(f.Nationalities) == 0
	for _, c := range inc.Casualties {
		nat := []string{}
		if c.Nationality != nil {
			nat = append(nat, *c.Nationality)
		}
		if anyOf(f.Nationalities, nat, false) && anyOf(models.Names(f.Groups), []string{string(c.Group)}, false) {
			lineOK = true
		}
	}
	atLeast := func(min *int, figure *int) bool { return min == nil || figure != nil && *figure >= *min }
	t := string(inc.Type)
	regionOK := len(f.Regions) == 0
	for _, r := range f.Regions {
		if inc.Region != nil && gazetteer.Fold(*inc.Region) == r.Key && (r.Country == "" || (inc.Country != nil && *inc.Country == r.Country)) {
			regionOK = true
		}
	}
	return regionOK && in(f.Countries, inc.Country, false) && in(f.Missions, inc.Mission, true) &&
		in(models.Names(f.Types), &t, false) && anyOf(f.Forces, inc.Forces, true) &&
		anyOf(f.ContributingCountries, inc.ContributingCountries, false) && lineOK &&
		in(f.Datasets, inc.Dataset, false) && in(f.ExternalIDs, inc.ExternalID, false) &&
		(f.From == nil || inc.OccurredOn >= *f.From) && (f.To == nil || inc.OccurredOn <= *f.To) &&
		atLeast(f.MinKilled, inc.Killed) && atLeast(f.MinWounded, inc.Wounded) &&
		(f.Conflict == nil || *f.Conflict == inc.Conflict)
}

func randomQuery(r *rand.Rand) url.Values {
	v := url.Values{}
	opts := map[string][]string{
		"region": {"Ménaka", "mopti,gao", "ML-8", "Ouaka"}, "country": {"ML", "CF", "Mali,CF"}, "mission": {"minusma", "MINUSCA"},
		"type": {"ied", "ambush,armed_attack"}, "force": {"fama", "Barkhane", "MINUSMA,G5 Sahel"}, "contributing_country": {"NE", "BF,TD"},
		"nationality": {"NE", "ML", "BF,TD"}, "group": {"peacekeeper", "civilian,national_forces"},
		"from": {"2016-01-01", "2016-03-01", "2016-05-17"}, "to": {"2017-12-31", "2017-06-30", "2017-02-11"},
		"min_killed": {"1", "3", "0"}, "min_wounded": {"2", "0"}, "dataset": {"acled", "un-fatalities,acled"},
		"estimate": {"low", "high", "best"}, "conflict": {"true", "false"},
	}
	names := make([]string, 0, len(opts))
	for k := range opts {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if r.IntN(6) == 0 {
			v.Set(k, opts[k][r.IntN(len(opts[k]))])
		}
	}
	dims := slices.Clone(models.Dimensions)
	r.Shuffle(len(dims), func(i, j int) { dims[i], dims[j] = dims[j], dims[i] })
	// Half the time only dimensions the totals tables keep, so that path is
	// exercised as often as the other.
	if r.IntN(2) == 0 {
		dims = []models.Dimension{"region", "country", "mission", "type", "year", "month", "dataset"}
		r.Shuffle(len(dims), func(i, j int) { dims[i], dims[j] = dims[j], dims[i] })
		for _, k := range []string{"force", "contributing_country", "nationality", "group", "min_killed", "min_wounded", "conflict"} {
			v.Del(k)
		}
	}
	v.Set("group_by", strings.Join(models.Names(dims[:1+r.IntN(3)]), ","))
	return v
}

func TestReportsAndSeriesEqualBruteForceBeforeAndAfterChanges(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 11))
	for range 300 {
		if _, err := s.CreateIncident(ctx, "tester", mustNormalize(t, randomIncident(r))); err != nil {
			t.Fatal(err)
		}
	}
	sources := map[string]int{}
	check := func(round string) {
		res, err := s.ListIncidents(ctx, models.Filter{}, models.Page{Sort: "id", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		apart := 0
		for _, inc := range res.Items {
			if k, _ := inc.CountedAs(models.High); k != models.Value0(inc.Killed) || inc.Conflict {
				apart++
			}
		}
		if apart == 0 {
			t.Fatalf("%s: no incident has estimates apart from its figures: the test tests too little", round)
		}
		for i := range 150 {
			q := randomQuery(r)
			f, err := models.ParseFilter(q, "group_by", "estimate")
			if err != nil {
				t.Fatal(err)
			}
			dims, err := models.ParseGroupBy(q)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := s.CasualtyReport(ctx, f, dims)
			if err != nil {
				t.Fatal(err)
			}
			sources[rep.Source]++
			wantRows, wantTotals := bruteReport(res.Items, f, dims)
			gotRows := slices.Clone(rep.Rows)
			sort.Slice(gotRows, func(i, j int) bool { return fmt.Sprint(gotRows[i].Values) < fmt.Sprint(gotRows[j].Values) })
			if diff := cmp.Diff(wantRows, gotRows); diff != "" {
				t.Fatalf("%s, query %d %s (from %s): rows differ (-brute +report):\n%s", round, i, q.Encode(), rep.Source, diff)
			}
			if wantTotals != rep.Totals {
				t.Fatalf("%s, query %s: totals %+v, want %+v", round, q.Encode(), rep.Totals, wantTotals)
			}
		}
		checkSeries(t, s, res.Items, r, round)
	}
	check("after create")
	for i := range 120 {
		id := int64(1 + r.IntN(300))
		switch i % 3 {
		case 0:
			_ = s.DeleteIncident(ctx, "tester", id, nil)
		default:
			next := mustNormalize(t, randomIncident(r))
			_, err := s.UpdateIncident(ctx, "tester", id, nil, func(models.Incident) (models.Incident, error) { return next, nil })
			if err != nil && models.ErrorCode(err) != models.NotFound {
				t.Fatal(err)
			}
		}
	}
	check("after updates and deletes")
	// Merges move figures into claims and incidents out of the counts;
	// unmerges bring both back.
	type pair struct{ survivor, absorbed int64 }
	var merged []pair
	for range 40 {
		p := pair{int64(1 + r.IntN(300)), int64(1 + r.IntN(300))}
		if _, err := s.Merge(ctx, "tester", p.survivor, p.absorbed); err == nil {
			merged = append(merged, p)
		} else if c := models.ErrorCode(err); c != models.NotFound && c != models.Invalid {
			t.Fatal(err)
		}
	}
	if len(merged) < 5 {
		t.Fatalf("only %d merges took", len(merged))
	}
	check("after merges")
	for i := len(merged) - 1; i >= 0; i-- {
		if _, err := s.Unmerge(ctx, "tester", merged[i].survivor, merged[i].absorbed); err != nil {
			t.Fatalf("unmerge %+v: %v", merged[i], err)
		}
	}
	check("after unmerges")
	if sources["totals_all"] == 0 || sources["totals_year"] == 0 || sources["totals_year_place"] == 0 || sources["totals_month"] == 0 || sources["incidents"] == 0 {
		t.Errorf("not every source was exercised: %v", sources)
	}
}

func TestSeedReportByNationality(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	if _, err := s.CreateIncident(ctx, "t", mustNormalize(t, menaka())); err != nil {
		t.Fatal(err)
	}
	mopti := models.IncidentInput{OccurredOn: ptr("2017-11-24"), Country: ptr("ML"), Region: ptr("Mopti"), Type: ptr("complex_attack"),
		Mission: ptr("MINUSMA"), Casualties: []models.CasualtyInput{{Group: ptr("peacekeeper"), Nationality: ptr("BF"), Killed: models.Known(1), Wounded: models.Known(3)}}}
	if _, err := s.CreateIncident(ctx, "t", mustNormalize(t, mopti)); err != nil {
		t.Fatal(err)
	}
	rep, err := s.CasualtyReport(ctx, models.Filter{}, []models.Dimension{"nationality"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[any]models.Counts{}
	for _, r := range rep.Rows {
		got[r.Values[0]] = r.Counts
	}
	want := map[any]models.Counts{
		"BF": {Incidents: 1, Killed: 1, Wounded: 3}, "ML": {Incidents: 1, Killed: 1, Wounded: 1},
		"NE": {Incidents: 1, Killed: 3}, nil: {Incidents: 1, Wounded: 17},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("by nationality (-want +got):\n%s", diff)
	}
	if rep.Rows[len(rep.Rows)-1].Values[0] != nil {
		t.Errorf("the unknown nationality should sort last: %+v", rep.Rows)
	}
	if rep.Totals != (models.Counts{Incidents: 2, Killed: 5, Wounded: 21}) {
		t.Errorf("totals = %+v", rep.Totals)
	}
}
