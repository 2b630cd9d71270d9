package synth

import (
	_ "embed"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"incidentdb/models"
)

// place is where an incident happened, as the phrases a sentence needs:
// "near" for something that happened on the road, "at" for a camp.
type place struct{ nearEN, atEN, nearFR, atFR string }

func placeOf(m *mission, locality, region string, hasCountry bool) place {
	switch {
	case locality != "":
		return place{"near " + locality, "in " + locality, "près " + frDe(locality), "à " + locality}
	case region != "":
		en, fr := "in the "+region+" region", "dans la région "+frDe(region)
		return place{en, en, fr, fr}
	case hasCountry:
		return place{m.enIn, m.enIn, m.frIn, m.frIn}
	}
	return place{"in the mission area", "in the mission area", "dans la zone de la mission", "dans la zone de la mission"}
}

// frDe elides "de" before a vowel ("près d'Anefis"), which is also what
// puts apostrophes into many French summaries.
func frDe(name string) string {
	r, _ := utf8.DecodeRuneInString(name)
	switch r {
	case 'A', 'E', 'I', 'O', 'U', 'É', 'Â', 'Î':
		return "d'" + name
	}
	return "de " + name
}

// Templates: {m} is the mission, {n} the "near" phrase, {a} the "at" one.
type templates struct{ en, fr []string }

// mainTemplates are the opening sentences of a summary by incident type,
// in templates.json (synthetic text, written for this generator).
var mainTemplates = func() map[models.IncidentType]templates {
	var raw map[models.IncidentType]struct{ EN, FR []string }
	if err := json.Unmarshal(templatesJSON, &raw); err != nil {
		panic("synth: templates.json: " + err.Error())
	}
	out := make(map[models.IncidentType]templates, len(raw))
	for k, v := range raw {
		out[k] = templates{en: v.EN, fr: v.FR}
	}
	return out
}()

//go:embed templates.json
var templatesJSON []byte

// Quotes carry both ASCII and typographic quotation marks, which CSV and
// full-text search must each survive.
var (
	quotesHostile = templates{
		en: []string{`The mission's spokesperson called the attack "cowardly".`, `The Special Representative condemned what she called a "heinous" act.`, `"We will not be deterred," the Force Commander said.`},
		fr: []string{"Le porte-parole de la mission a dénoncé une attaque « lâche ».", `Le Représentant spécial a condamné un acte "odieux".`, "« Nous ne céderons pas », a déclaré le commandant de la Force."},
	}
	quotesOther = templates{
		en: []string{`The mission expressed its "deepest condolences" to the family.`},
		fr: []string{"La mission a présenté ses « plus sincères condoléances » à la famille."},
	}
	followUps = templates{
		en: []string{"Reinforcements were deployed, and the area was secured.", "The circumstances are under investigation.", "Patrols in the area were suspended for 48 hours."},
		fr: []string{"Des renforts ont été déployés et la zone a été sécurisée.", "Une enquête est en cours pour établir les circonstances.", "Les patrouilles dans la zone ont été suspendues pendant 48 heures."},
	}
	followUpsWounded = templates{
		en: []string{"A quick reaction force was dispatched; the wounded were evacuated by helicopter."},
		fr: []string{"Une force de réaction rapide a été dépêchée ; les blessés ont été évacués par hélicoptère."},
	}
)

// formulaPrefixes start about 1% of summaries with what a spreadsheet
// would run as a formula, so that CSV export must neutralise them.
var formulaPrefixes = []string{
	`=HYPERLINK("https://example.org/synthetic","details") `,
	`=CMD|' /C calc'!A0 `,
	"- ",
	"+ ",
	"@SUM(1+1) ",
}

// Summaries are between minSummary and maxSummary characters, a range a
// short dispatch and a long paragraph both fall in.
const (
	minSummary = 40
	maxSummary = 400
)

func (g *Generator) summary(m *mission, typ models.IncidentType, pl place, fr bool, killed, wounded int) string {
	pick := func(t templates) string {
		if fr {
			return pickSlice(g, t.fr)
		}
		return pickSlice(g, t.en)
	}
	b := g.buf[:0]
	if g.permille(10) {
		b = append(b, pickSlice(g, formulaPrefixes)...)
	}
	name, near, at := m.name, pl.nearEN, pl.atEN
	if fr {
		name, near, at = m.frName, pl.nearFR, pl.atFR
	}
	b = expand(b, pick(mainTemplates[typ]), name, near, at)

	// A line break sometimes separates the first sentence from the rest,
	// as in text pasted from a report.
	sep := " "
	if g.permille(50) {
		sep = "\n"
	}
	if g.permille(700) {
		b = append(b, sep...)
		b = casualtySentence(b, fr, killed, wounded)
		sep = " "
	}
	// Condolences without a death, or an evacuation without wounded,
	// would be the kind of contradiction real summaries do not have.
	if g.permille(200) && (hostile(typ) || killed > 0) {
		q := quotesOther
		if hostile(typ) {
			q = quotesHostile
		}
		b = append(b, sep...)
		b = append(b, pick(q)...)
		sep = " "
	}
	if g.permille(300) || utf8.RuneCount(b) < minSummary {
		f := followUps
		if wounded > 0 && g.permille(400) {
			f = followUpsWounded
		}
		b = append(b, sep...)
		b = append(b, pick(f)...)
	}
	g.buf = b
	return string(b)
}

func expand(b []byte, tmpl, mission, near, at string) []byte {
	for i := 0; i < len(tmpl); i++ {
		if tmpl[i] == '{' && i+2 < len(tmpl) && tmpl[i+2] == '}' {
			switch tmpl[i+1] {
			case 'm':
				b = append(b, mission...)
			case 'n':
				b = append(b, near...)
			case 'a':
				b = append(b, at...)
			}
			i += 2
			continue
		}
		b = append(b, tmpl[i])
	}
	return b
}

func casualtySentence(b []byte, fr bool, killed, wounded int) []byte {
	if killed == 0 && wounded == 0 {
		if fr {
			return append(b, "Aucune victime n'a été signalée."...)
		}
		return append(b, "No casualties were reported."...)
	}
	if fr {
		b = append(b, "Bilan provisoire : "...)
		if killed > 0 {
			b = strconv.AppendInt(b, int64(killed), 10)
			b = append(b, " mort"...)
			b = plural(b, killed)
		}
		if killed > 0 && wounded > 0 {
			b = append(b, " et "...)
		}
		if wounded > 0 {
			b = strconv.AppendInt(b, int64(wounded), 10)
			b = append(b, " blessé"...)
			b = plural(b, wounded)
		}
		return append(b, ", selon la mission."...)
	}
	b = append(b, "Toll: "...)
	if killed > 0 {
		b = strconv.AppendInt(b, int64(killed), 10)
		b = append(b, " dead"...)
	}
	if killed > 0 && wounded > 0 {
		b = append(b, " and "...)
	}
	if wounded > 0 {
		b = strconv.AppendInt(b, int64(wounded), 10)
		b = append(b, " wounded"...)
	}
	return append(b, ", according to the mission."...)
}

func plural(b []byte, n int) []byte {
	if n > 1 {
		return append(b, 's')
	}
	return b
}
