package extract

import (
	"strings"
	"time"

	"incidentdb/models"
)

// The words of UN statements for who was hit and what happened to them,
// folded (lower case, no accents). Longer phrases come first where one
// contains another, since the first match at a place wins.

type groupWord struct {
	words string
	group models.Group
	// nationality is implied by the words ("forces armées maliennes").
	nationality string
}

var groupWords = sortLongestFirst([]groupWord{
	{"casques bleus", models.Peacekeeper, ""}, {"casque bleu", models.Peacekeeper, ""},
	{"soldats de la paix", models.Peacekeeper, ""}, {"soldat de la paix", models.Peacekeeper, ""},
	{"gardiens de la paix", models.Peacekeeper, ""}, {"soldats de maintien de la paix", models.Peacekeeper, ""},
	{"peacekeepers", models.Peacekeeper, ""}, {"peacekeeper", models.Peacekeeper, ""},
	{"blue helmets", models.Peacekeeper, ""}, {"blue helmet", models.Peacekeeper, ""},
	{"soldiers of the mission", models.Peacekeeper, ""}, {"police officers", models.Peacekeeper, ""},
	{"policiers", models.Peacekeeper, ""}, {"policier", models.Peacekeeper, ""}, {"police officer", models.Peacekeeper, ""},
	// A soldier with a troop-contributing nationality is one of the
	// mission's; "soldat malien" is matched above as national forces.
	{"militaires", models.Peacekeeper, ""}, {"militaire", models.Peacekeeper, ""}, {"militaires de la minusma", models.Peacekeeper, ""},
	{"members of the mission", models.Peacekeeper, ""}, {"membres de la mission", models.Peacekeeper, ""},
	{"civilian staff", models.UNCivilian, ""}, {"staff members", models.UNCivilian, ""}, {"staff member", models.UNCivilian, ""},
	{"personnel civil", models.UNCivilian, ""}, {"membres du personnel", models.UNCivilian, ""}, {"membre du personnel", models.UNCivilian, ""},
	{"sous-traitants", models.Contractor, ""}, {"sous-traitant", models.Contractor, ""},
	{"employes contractuels", models.Contractor, ""}, {"employe contractuel", models.Contractor, ""},
	{"contractuels", models.Contractor, ""}, {"contractuel", models.Contractor, ""},
	{"contractors", models.Contractor, ""}, {"contractor", models.Contractor, ""},
	{"forces armees maliennes", models.NationalForces, "ML"}, {"force armee malienne", models.NationalForces, "ML"},
	{"malian armed forces", models.NationalForces, "ML"}, {"malian defence and security forces", models.NationalForces, "ML"},
	{"forces de defense et de securite maliennes", models.NationalForces, "ML"},
	{"malian soldiers", models.NationalForces, "ML"}, {"malian soldier", models.NationalForces, "ML"},
	{"soldats maliens", models.NationalForces, "ML"}, {"soldat malien", models.NationalForces, "ML"},
	{"fama", models.NationalForces, "ML"}, {"gendarmes", models.NationalForces, ""}, {"gendarme", models.NationalForces, ""},
	{"fardc", models.NationalForces, "CD"}, {"faca", models.NationalForces, "CF"},
	{"french soldiers", models.InternationalForces, "FR"}, {"soldats francais", models.InternationalForces, "FR"},
	{"civilians", models.Civilian, ""}, {"civilian", models.Civilian, ""}, {"civils", models.Civilian, ""}, {"civil", models.Civilian, ""},
	{"assailants", models.Assailant, ""}, {"assaillants", models.Assailant, ""}, {"attackers", models.Assailant, ""},
	{"terroristes", models.Assailant, ""}, {"terrorists", models.Assailant, ""}, {"assailant", models.Assailant, ""},
	{"assaillant", models.Assailant, ""}, {"terroriste", models.Assailant, ""}, {"terrorist", models.Assailant, ""},
	{"attaquants", models.Assailant, ""}, {"attaquant", models.Assailant, ""}, {"attacker", models.Assailant, ""},
	{"djihadistes", models.Assailant, ""}, {"jihadistes", models.Assailant, ""}, {"jihadists", models.Assailant, ""},
	{"insurges", models.Assailant, ""}, {"insurgents", models.Assailant, ""}, {"rebelles", models.Assailant, ""}, {"rebels", models.Assailant, ""},
	{"others", models.UnknownGroup, ""}, {"autres", models.UnknownGroup, ""}, {"people", models.UnknownGroup, ""}, {"personnes", models.UnknownGroup, ""},
	// A bare member of something: the rest of the phrase says which.
	{"membre des forces armees maliennes", models.NationalForces, "ML"}, {"member of the malian armed forces", models.NationalForces, "ML"},
})

func sortLongestFirst(ws []groupWord) []groupWord {
	for i := 1; i < len(ws); i++ {
		for j := i; j > 0 && len(ws[j].words) > len(ws[j-1].words); j-- {
			ws[j], ws[j-1] = ws[j-1], ws[j]
		}
	}
	return ws
}

type outcome int

const (
	noOutcome outcome = iota
	killedOutcome
	woundedOutcome
)

// outcomeWords tell killed from wounded; the first words of each list
// come before the count ("killing two"), the rest after ("two killed").
var outcomeAfter = []struct {
	words string
	o     outcome
}{
	{"lost their lives", killedOutcome}, {"lost his life", killedOutcome}, {"lost her life", killedOutcome},
	{"ont perdu la vie", killedOutcome}, {"a perdu la vie", killedOutcome}, {"perdu la vie", killedOutcome},
	{"ont trouve la mort", killedOutcome}, {"a trouve la mort", killedOutcome}, {"trouve la mort", killedOutcome},
	{"killed", killedOutcome}, {"died", killedOutcome}, {"dead", killedOutcome}, {"succumbed", killedOutcome},
	{"tues", killedOutcome}, {"tue", killedOutcome}, {"tuee", killedOutcome}, {"tuees", killedOutcome},
	{"morts", killedOutcome}, {"mort", killedOutcome}, {"decedes", killedOutcome}, {"decede", killedOutcome}, {"succombe", killedOutcome},
	{"wounded", woundedOutcome}, {"injured", woundedOutcome}, {"blesses", woundedOutcome}, {"blesse", woundedOutcome},
	{"blessees", woundedOutcome}, {"blessee", woundedOutcome},
}

var outcomeBefore = []struct {
	words string
	o     outcome
}{
	{"the killing of", killedOutcome}, {"killing of", killedOutcome}, {"the loss of", killedOutcome}, {"la perte de", killedOutcome},
	{"killing", killedOutcome}, {"tuant", killedOutcome}, {"coute la vie a", killedOutcome}, {"cost the lives of", killedOutcome}, {"claiming the lives of", killedOutcome}, {"the death of", killedOutcome},
	{"la mort de", killedOutcome}, {"le deces de", killedOutcome}, {"the deaths of", killedOutcome},
	{"la mort d'", killedOutcome}, {"le deces d'", killedOutcome}, {"coute la vie a", killedOutcome}, {"coute la vie de", killedOutcome},
	{"le nombre de blesses s'elevait a", woundedOutcome}, {"le nombre de blesses s'eleve a", woundedOutcome},
	{"le nombre de morts s'elevait a", killedOutcome}, {"le nombre de morts s'eleve a", killedOutcome},
	{"the number of wounded rose to", woundedOutcome}, {"the number of injured rose to", woundedOutcome},
	{"les blessures infligees a", woundedOutcome}, {"blessures infligees a", woundedOutcome}, {"injuries to", woundedOutcome},
	{"the wounding of", woundedOutcome}, {"wounding of", woundedOutcome}, {"the injury of", woundedOutcome},
	{"and the death of", killedOutcome}, {"the death of", killedOutcome}, {"death of", killedOutcome},
	{"wounding", woundedOutcome}, {"injuring", woundedOutcome}, {"blessant", woundedOutcome},
	{"le meurtre d'", killedOutcome}, {"le meurtre de", killedOutcome}, {"the murder of", killedOutcome},
	{"l'assassinat d'", killedOutcome}, {"l'assassinat de", killedOutcome},
	// The active voice: "the attack killed two peacekeepers and injured
	// ten", "l'attaque a tué deux casques bleus et blessé un autre".
	{"killed", killedOutcome}, {"injured", woundedOutcome}, {"wounded", woundedOutcome},
	{"a tue", killedOutcome}, {"ont tue", killedOutcome}, {"a blesse", woundedOutcome}, {"ont blesse", woundedOutcome},
	{"et blesse", woundedOutcome}, {"et tue", killedOutcome},
}

// attackWords mark a sentence that tells of an attack.
var attackWords = []string{"attack", "attaque", "ambush", "embuscade", "explosive", "explosif", "ied", "mine", "rocket",
	"roquette", "mortar", "obus", "tirs", "fire", "shelling", "assault", "assaut", "convoy", "convoi", "camp"}

// provisionalWords mark a toll stated as not final.
var provisionalWords = []string{"provisional", "provisoire", "preliminary", "preliminaire", "initial report", "premier bilan", "bilan provisoire"}

// earlierWords mark an attack mentioned in passing, not the day's.
// runningTotals mark a sentence that counts more than the day's attack:
// "this brings to five the number of peacekeepers killed since January".
var runningTotals = []string{"since january", "since the start", "since the beginning", "so far this year", "brings to", "brings the number",
	"brings the total", "porte a", "portant a", "depuis janvier", "depuis le debut", "this year alone", "to date", "a ce jour"}

var earlierWords = []string{"fait suite a", "follows an", "quelques jours apres", "a few days after", "days after", "jours apres", "earlier this month", "last week", "last month", "previous attack", "earlier attack", "la semaine derniere",
	"le mois dernier", "attaque precedente", "since the beginning", "depuis le debut", "depuis janvier", "this year", "cette annee"}

// missionCountry is the host of each mission, for a statement whose
// place the gazetteer does not know.
var missionCountry = map[string]string{"MINUSMA": "ML", "MINUSCA": "CF", "MONUSCO": "CD", "UNIFIL": "LB", "UNMISS": "SS",
	"UNISFA": "SD", "UNDOF": "SY", "UNFICYP": "CY", "MINURSO": "EH", "UNMIK": "XK", "UNAMID": "SD", "MINUSTAH": "HT"}

// missionYears is, for a mission that has closed, the last day a
// statement's places are read on when the statement carries no date.
// MINUSMA closed on 31 December 2023; Mali's regions of 2023 were set up
// in its last year (their governors were named in 2024, see
// models/gazetteer/SOURCES.md), so its statements name the regions of
// 2022.
var missionYears = map[string]time.Time{
	"MINUSMA": time.Date(2022, 12, 31, 0, 0, 0, 0, time.UTC),
}

var missions = []string{"MINUSMA", "MINUSCA", "MONUSCO", "UNIFIL", "UNMISS", "UNISFA", "UNDOF", "UNFICYP", "MINURSO", "UNMIK", "UNAMID", "MINUSTAH"}

// startsAnyWord finds a word of s that begins with one of words: "attack"
// in "attacks", "attaque" in "attaquée".
func startsAnyWord(s string, words []string) bool {
	for _, w := range words {
		for i := 0; ; {
			j := strings.Index(s[i:], w)
			if j < 0 {
				break
			}
			if boundary(s, i+j-1) {
				return true
			}
			i += j + 1
		}
	}
	return false
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if containsWord(s, w) {
			return true
		}
	}
	return false
}

// containsWord finds w in s at word boundaries.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		at := i + j
		if boundary(s, at-1) && boundary(s, at+len(w)) {
			return true
		}
		i = at + 1
	}
}

func boundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	c := s[i]
	return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80)
}
