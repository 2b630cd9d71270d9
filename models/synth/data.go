package synth

import (
	"fmt"
	"time"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// The period covered: MINUSMA's first day to its last.
const (
	firstDay = "2013-07-01"
	lastDay  = "2023-12-31"
)

// firstYear and lastYear bound the per-year tables; they follow the period.
const (
	firstYear = 2013
	lastYear  = 2023
)

// yearWeights puts more incidents in 2017–2021, the deadliest years for
// MINUSMA; 2013 is light because the period starts in July.
var yearWeights = [lastYear - firstYear + 1]int{
	2013 - firstYear: 3, 2014 - firstYear: 6, 2015 - firstYear: 8, 2016 - firstYear: 9,
	2017 - firstYear: 13, 2018 - firstYear: 14, 2019 - firstYear: 14, 2020 - firstYear: 12,
	2021 - firstYear: 13, 2022 - firstYear: 8, 2023 - firstYear: 5,
}

// box is a rough bounding box in ten-thousandths of a degree, so that a
// coordinate is an integer draw divided once: exact to 4 decimals and free
// of floating-point drift between architectures.
type box struct{ latMin, latMax, lonMin, lonMax int }

// regionSpec is a region as written here, resolved against the gazetteer
// when the package loads so that only canonical names are ever emitted.
type regionSpec struct {
	name string
	// weight is the region's share; rest marks a region that shares
	// restWeight equally with the other rest regions valid that year.
	weight int
	rest   bool
	// parent held the area before the region was created: an incident in
	// Ménaka in 2014 was in the Gao region.
	parent string
	towns  []string
}

// restWeight is the share of the Mali regions outside the five where most
// attacks happened, divided among those that existed that year.
const restWeight = 18

type missionSpec struct {
	name     string
	frName   string // the acronym French texts use (MINUSS, FINUL)
	country  string // alpha-2 of the host
	enIn     string // "in Mali"
	frIn     string // "au Mali"
	national string // the host's armed forces
	start    string // first day in the period it could have been attacked
	weight   int
	frShare  int // per mille of summaries written in French
	box      box
	regions  []regionSpec
	tcc      []choice[string] // troop- and police-contributing countries
	// intl are the nationalities of non-UN foreign forces present, used
	// for international_forces lines where no named force applies.
	intl []string
}

var missionSpecs = []missionSpec{
	{
		name: "MINUSMA", frName: "MINUSMA", country: "ML", enIn: "in Mali", frIn: "au Mali",
		national: "FAMa", start: "2013-07-01", weight: 70, frShare: 550,
		box: box{101600, 249900, -122400, 42400},
		regions: []regionSpec{
			{name: "Mopti", weight: 25, towns: []string{"Douentza", "Boni", "Sévaré", "Mopti", "Konna", "Hombori", "Bandiagara", "Djenné", "Boulkessi", "Dioura"}},
			{name: "Gao", weight: 20, towns: []string{"Gao", "Ansongo", "Bourem", "Tarkint", "Ouatagouna"}},
			{name: "Kidal", weight: 15, towns: []string{"Kidal", "Tessalit", "Aguelhok", "Anefis", "Tin-Essako", "Abeïbara"}},
			{name: "Tombouctou", weight: 12, towns: []string{"Tombouctou", "Ber", "Goundam", "Léré", "Niafunké", "Diré", "Gourma-Rharous"}},
			{name: "Ménaka", weight: 10, parent: "Gao", towns: []string{"Ménaka", "Andéramboukane", "Inékar", "Tidermène"}},
			{name: "Taoudénit", rest: true, parent: "Tombouctou", towns: []string{"Taoudénit", "Araouane", "Foum-Elba", "Boujbeha"}},
			{name: "Ségou", rest: true, towns: []string{"Ségou", "Niono", "Macina", "Diabaly", "Nampala", "Farabougou"}},
			{name: "Bamako", rest: true, towns: []string{"Bamako"}},
			{name: "Kayes", rest: true, towns: []string{"Kayes", "Diéma", "Nioro du Sahel", "Kita"}},
			{name: "Koulikoro", rest: true, towns: []string{"Koulikoro", "Kati", "Nara", "Banamba"}},
			{name: "Sikasso", rest: true, towns: []string{"Sikasso", "Koutiala", "Bougouni", "Kadiolo"}},
			{name: "Nioro du Sahel", rest: true, towns: []string{"Nioro du Sahel"}},
			{name: "Kita", rest: true, towns: []string{"Kita"}},
			{name: "Dioïla", rest: true, towns: []string{"Dioïla"}},
			{name: "Nara", rest: true, towns: []string{"Nara"}},
			{name: "Bougouni", rest: true, towns: []string{"Bougouni"}},
			{name: "Koutiala", rest: true, towns: []string{"Koutiala"}},
			{name: "San", rest: true, towns: []string{"San", "Tominian"}},
			{name: "Douentza", rest: true, towns: []string{"Douentza", "Boni", "Hombori"}},
			{name: "Bandiagara", rest: true, towns: []string{"Bandiagara", "Bankass", "Ogossagou"}},
		},
		tcc: []choice[string]{
			{"TD", 20}, {"GN", 8}, {"TG", 8}, {"BD", 8}, {"EG", 7}, {"BF", 7}, {"NE", 6},
			{"SN", 6}, {"CI", 4}, {"KH", 4}, {"CN", 4}, {"JO", 3}, {"LK", 3}, {"NP", 2},
			{"DE", 3}, {"NL", 2}, {"SE", 2}, {"BJ", 2},
		},
	},
	{
		name: "MINUSCA", frName: "MINUSCA", country: "CF", enIn: "in the Central African Republic", frIn: "en Centrafrique",
		national: "FACA", start: "2014-09-15", weight: 12, frShare: 550,
		box: box{22200, 110000, 144200, 274500},
		regions: []regionSpec{
			{name: "Ouaka", weight: 15, towns: []string{"Bambari", "Grimari", "Ippy"}},
			{name: "Haute-Kotto", weight: 12, towns: []string{"Bria", "Sam Ouandja"}},
			{name: "Mbomou", weight: 10, towns: []string{"Bangassou", "Gambo", "Ouango"}},
			{name: "Haut-Mbomou", weight: 8, towns: []string{"Obo", "Zémio", "Mboki"}},
			{name: "Bangui", weight: 8, towns: []string{"Bangui"}},
			{name: "Nana-Grébizi", weight: 8, towns: []string{"Kaga-Bandoro", "Mbrès"}},
			{name: "Ouham-Pendé", weight: 8, towns: []string{"Bocaranga", "Paoua", "Koui"}},
			{name: "Ouham", weight: 7, towns: []string{"Bossangoa", "Batangafo", "Kabo"}},
			{name: "Basse-Kotto", weight: 7, towns: []string{"Alindao", "Mobaye", "Zangba"}},
			{name: "Vakaga", weight: 4, towns: []string{"Birao"}},
			{name: "Nana-Mambéré", weight: 4, towns: []string{"Bouar", "Baboua"}},
			{name: "Mambéré-Kadéï", weight: 3, towns: []string{"Berbérati", "Carnot"}},
			{name: "Bamingui-Bangoran", weight: 3, towns: []string{"Ndélé"}},
			{name: "Kémo", weight: 2, towns: []string{"Sibut", "Dékoa"}},
			{name: "Ombella-Mpoko", weight: 2, towns: []string{"Boali", "Damara"}},
			{name: "Lobaye", weight: 1, towns: []string{"Mbaïki"}},
			{name: "Sangha-Mbaéré", weight: 1, towns: []string{"Nola"}},
		},
		tcc: []choice[string]{
			{"RW", 12}, {"PK", 8}, {"BD", 8}, {"EG", 6}, {"NP", 5}, {"MA", 6}, {"MR", 5},
			{"ZM", 5}, {"CM", 5}, {"SN", 3}, {"BI", 3}, {"GA", 2},
		},
		intl: []string{"RW"},
	},
	{
		name: "MONUSCO", frName: "MONUSCO", country: "CD", enIn: "in the Democratic Republic of the Congo", frIn: "en RDC",
		national: "FARDC", start: "2013-07-01", weight: 9, frShare: 500,
		box: box{-134500, 53800, 122000, 313000},
		regions: []regionSpec{
			{name: "Nord-Kivu", weight: 45, towns: []string{"Beni", "Butembo", "Goma", "Oicha", "Kiwanja", "Rutshuru", "Mavivi"}},
			{name: "Ituri", weight: 25, towns: []string{"Bunia", "Djugu", "Fataki", "Mambasa", "Komanda"}},
			{name: "Sud-Kivu", weight: 15, towns: []string{"Bukavu", "Uvira", "Fizi", "Minembwe", "Kamanyola"}},
			{name: "Tanganyika", weight: 7, towns: []string{"Kalemie", "Nyunzu"}},
			{name: "Haut-Uélé", weight: 5, towns: []string{"Dungu", "Faradje"}},
			{name: "Kinshasa", weight: 3, towns: []string{"Kinshasa"}},
		},
		tcc: []choice[string]{
			{"IN", 10}, {"PK", 8}, {"BD", 7}, {"NP", 5}, {"ZA", 6}, {"TZ", 7}, {"MW", 5},
			{"UY", 3}, {"GH", 3}, {"MA", 3},
		},
		intl: []string{"KE", "UG", "BI"},
	},
	{
		name: "UNMISS", frName: "MINUSS", country: "SS", enIn: "in South Sudan", frIn: "au Soudan du Sud",
		national: "SSPDF", start: "2013-07-01", weight: 6, frShare: 100,
		box: box{34900, 122300, 241500, 359400},
		regions: []regionSpec{
			{name: "Upper Nile", weight: 25, towns: []string{"Malakal", "Renk", "Nasir"}},
			{name: "Unity", weight: 25, towns: []string{"Bentiu", "Leer", "Rubkona"}},
			{name: "Jonglei", weight: 20, towns: []string{"Bor", "Akobo", "Pibor"}},
			{name: "Central Equatoria", weight: 15, towns: []string{"Juba", "Yei", "Morobo"}},
			{name: "Western Bahr el Ghazal", weight: 7, towns: []string{"Wau"}},
			{name: "Western Equatoria", weight: 5, towns: []string{"Yambio"}},
			{name: "Lakes", weight: 3, towns: []string{"Rumbek"}},
		},
		tcc: []choice[string]{
			{"IN", 8}, {"RW", 8}, {"NP", 7}, {"CN", 6}, {"BD", 5}, {"ET", 5}, {"GH", 4},
			{"MN", 4}, {"KR", 3}, {"PK", 3},
		},
		intl: []string{"UG"},
	},
	{
		name: "UNIFIL", frName: "FINUL", country: "LB", enIn: "in Lebanon", frIn: "au Liban",
		national: "LAF", start: "2013-07-01", weight: 3, frShare: 300,
		box: box{330600, 346900, 351000, 366200},
		regions: []regionSpec{
			{name: "Liban-Sud", weight: 55, towns: []string{"Naqoura", "Tyre", "Chamaa", "Qlayaa"}},
			{name: "Nabatîyé", weight: 45, towns: []string{"Marjayoun", "Bint Jbeil", "Khiam", "Kfar Kila", "Tibnine"}},
		},
		tcc: []choice[string]{
			{"IN", 8}, {"ID", 8}, {"IT", 8}, {"FR", 6}, {"ES", 6}, {"GH", 6}, {"MY", 5},
			{"NP", 5}, {"KR", 4}, {"IE", 4}, {"CN", 3},
		},
	},
}

// partnerForce is a non-UN force that operated beside MINUSMA; it is named
// only within its dates and never from 2022 on.
type partnerForce struct {
	name       string
	from, to   string
	nationals  []string // who its casualty lines count
	forcesOnly bool     // listed among forces but never given its own lines
}

var partnerForces = []partnerForce{
	{name: "Barkhane", from: "2014-08-01", to: "2021-12-31", nationals: []string{"FR"}},
	{name: "Takuba", from: "2020-07-15", to: "2021-12-31", nationals: []string{"FR", "SE", "EE", "CZ", "IT"}},
	// The G5 Sahel joint force was made of the region's own armies, so its
	// dead are national forces of neighbours rather than a separate group.
	{name: "G5 Sahel", from: "2017-07-02", to: "2021-12-31", forcesOnly: true},
}

// typeWeights makes ied, armed_attack, indirect_fire and complex_attack
// dominate while every type still appears in a few thousand draws.
var typeWeights = []choice[models.IncidentType]{
	{models.IED, 22}, {models.ArmedAttack, 22}, {models.IndirectFire, 15}, {models.ComplexAttack, 10},
	{models.Ambush, 8}, {models.SuicideAttack, 3}, {models.Abduction, 2}, {models.MaliciousAct, 4},
	{models.Accident, 5}, {models.Illness, 3}, {models.SelfInflicted, 1}, {models.OtherType, 2},
	{models.UnknownType, 3},
}

var precisionWeights = []choice[models.DatePrecision]{
	{models.PrecisionDay, 850}, {models.PrecisionWeek, 80}, {models.PrecisionMonth, 60}, {models.PrecisionYear, 10},
}

var lineCountHostile = []choice[int]{{0, 40}, {1, 30}, {2, 17}, {3, 9}, {4, 4}}

// Deaths from accidents and illness are counted for the mission's own
// personnel and rarely need more than a line.
var lineCountOther = []choice[int]{{0, 30}, {1, 55}, {2, 15}}

var groupHostile = []choice[models.Group]{
	{models.Peacekeeper, 45}, {models.NationalForces, 15}, {models.Civilian, 12}, {models.Assailant, 8},
	{models.Contractor, 5}, {models.UNCivilian, 5}, {models.InternationalForces, 5}, {models.UnknownGroup, 5},
}

var groupOther = []choice[models.Group]{
	{models.Peacekeeper, 80}, {models.UNCivilian, 10}, {models.Contractor, 10},
}

// nilNationality is, per mille and by group, how often a line leaves the
// nationality unknown; together they come to about a fifth of the lines.
var nilNationality = map[models.Group]int{
	models.Peacekeeper: 100, models.NationalForces: 100, models.Civilian: 200, models.Contractor: 200,
	models.UNCivilian: 100, models.InternationalForces: 50, models.Assailant: 850, models.UnknownGroup: 1000,
}

var publishers = []choice[string]{{"United Nations", 4}, {"", 4}, {"Synthetic", 2}} // "" is the mission

// hostile reports whether an incident of type t was an act by someone
// against the mission, which decides whether assailants and national
// forces can appear among its casualties.
func hostile(t models.IncidentType) bool {
	switch t {
	case models.Accident, models.Illness, models.SelfInflicted:
		return false
	}
	return true
}

// Resolved tables, built once when the package loads and only read after.
type region struct {
	name  string // canonical, or "" for an incident without a region
	towns []string
}

type mission struct {
	missionSpec
	startDay int
	// byYear holds, for every year of the period, the regions that
	// existed then, weighted.
	byYear [lastYear - firstYear + 1]*weighted[region]
	// allRegions is used for the locality of an incident whose region is
	// left out: the town is still somewhere in the country.
	allRegions []region
	tccs       *weighted[string]
}

type partner struct {
	partnerForce
	fromDay, toDay int
}

var (
	firstDayN, lastDayN = mustDay(firstDay), mustDay(lastDay)
	missions            = mustMissions()
	missionTable        = newWeighted(missionChoices()...)
	partners            = mustPartners()
	types               = newWeighted(typeWeights...)
	precisions          = newWeighted(precisionWeights...)
	linesHostile        = newWeighted(lineCountHostile...)
	linesOther          = newWeighted(lineCountOther...)
	groupsHostile       = newWeighted(groupHostile...)
	groupsOther         = newWeighted(groupOther...)
	publisherTable      = newWeighted(publishers...)
	years               = mustYears()
)

// yearRange is the first and last day of one year, clipped to the period.
type yearRange struct{ year, from, to int }

func mustYears() *weighted[yearRange] {
	var cs []choice[yearRange]
	for y := firstYear; y <= lastYear; y++ {
		from := max(dayOf(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)), firstDayN)
		to := min(dayOf(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)), lastDayN)
		cs = append(cs, choice[yearRange]{yearRange{y, from, to}, yearWeights[y-firstYear]})
	}
	return newWeighted(cs...)
}

func missionChoices() []choice[*mission] {
	cs := make([]choice[*mission], len(missions))
	for i, m := range missions {
		cs[i] = choice[*mission]{m, m.weight}
	}
	return cs
}

func mustMissions() []*mission {
	out := make([]*mission, 0, len(missionSpecs))
	for _, spec := range missionSpecs {
		m, err := buildMission(spec)
		if err != nil {
			panic("synth: " + err.Error())
		}
		out = append(out, m)
	}
	return out
}

func buildMission(spec missionSpec) (*mission, error) {
	m := &mission{missionSpec: spec, startDay: mustDay(spec.start), tccs: newWeighted(spec.tcc...)}
	type resolved struct {
		regionSpec
		canonical, parent string
		validFrom         int
	}
	var rs []resolved
	for _, s := range spec.regions {
		canon, from, err := canonicalRegion(spec.country, s.name)
		if err != nil {
			return nil, err
		}
		r := resolved{regionSpec: s, canonical: canon, validFrom: from}
		if s.parent != "" {
			if r.parent, _, err = canonicalRegion(spec.country, s.parent); err != nil {
				return nil, err
			}
		}
		rs = append(rs, r)
		m.allRegions = append(m.allRegions, region{canon, s.towns})
	}
	for y := firstYear; y <= lastYear; y++ {
		nRest := 0
		for _, r := range rs {
			if r.rest && r.validFrom <= y {
				nRest++
			}
		}
		var cs []choice[region]
		for _, r := range rs {
			name := r.canonical
			if r.validFrom > y {
				if r.parent == "" {
					continue // its area then lay in a region the gazetteer does not hold
				}
				name = r.parent
			}
			// Weights are scaled so that the rest share divides into whole
			// numbers without a float in sight.
			w := r.weight * 1000
			if r.rest {
				if nRest == 0 {
					continue
				}
				w = restWeight * 1000 / nRest
			}
			cs = append(cs, choice[region]{region{name, r.towns}, w})
		}
		if len(cs) == 0 {
			return nil, fmt.Errorf("%s has no region in %d", spec.name, y)
		}
		m.byYear[y-firstYear] = newWeighted(cs...)
	}
	return m, nil
}

// canonicalRegion returns the gazetteer's spelling of a region and the
// first year it existed (0 when it predates the period).
func canonicalRegion(country, name string) (string, int, error) {
	r, ok := gazetteer.LookupRegion(country, name)
	if !ok {
		return "", 0, fmt.Errorf("region %q of %s is not in the gazetteer", name, country)
	}
	info, _ := gazetteer.Describe(r)
	return r.Name, info.ValidFrom, nil
}

func mustPartners() []partner {
	out := make([]partner, len(partnerForces))
	for i, p := range partnerForces {
		out[i] = partner{p, mustDay(p.from), mustDay(p.to)}
	}
	return out
}

func mustDay(s string) int {
	t, err := time.Parse(models.DateLayout, s)
	if err != nil {
		panic("synth: " + err.Error())
	}
	return dayOf(t)
}

// dayOf counts days since 1970-01-01, so that dates are drawn as integers.
func dayOf(t time.Time) int { return int(t.Unix() / 86400) }

func dateOf(day int) string {
	return time.Unix(int64(day)*86400, 0).UTC().Format(models.DateLayout)
}
