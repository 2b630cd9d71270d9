package exchange

import (
	"strings"
	"unicode"
)

// Mission is a UN peace operation, political mission or support office,
// with the country it was deployed in.
type Mission struct {
	Acronym string
	Name    string
	// Host is the ISO 3166-1 alpha-2 code of today's country on whose
	// territory the operation served, or "" when it served in several
	// countries, between them, or in a territory whose status is disputed:
	// naming one of them would put the incident in the wrong country.
	Host string
	// Source is where the entry comes from; see the comment on Missions.
	Source string
}

// The keys of Mission.Source.
const (
	// "Where we operate" on peacekeeping.un.org: the peacekeeping
	// operations in service.
	SourcePKCurrent = "un-peacekeeping-current"
	// "Past peacekeeping operations" on peacekeeping.un.org.
	SourcePKPast = "un-peacekeeping-past"
	// The list of special political missions and offices of the UN
	// Department of Political and Peacebuilding Affairs (dppa.un.org),
	// current and closed.
	SourceDPPA = "un-dppa"
	// Support offices of the UN Department of Operational Support, which
	// the fatalities dataset lists beside the missions they serve.
	SourceDOS = "un-dos"
)

// Missions are the UN operations whose acronyms appear in the UN's
// peacekeeper fatalities dataset and in ACLED actor names.
//
// Where these facts come from, plainly: acronyms, names and hosts follow
// the UN's own lists named by each entry's Source, but they have not been
// checked against a dated copy of those lists. Only the entries for
// UNIKOM, UNAVEM II, ONUSAL, MINURSO, UNMEE, UNMISET and UNMIL were
// compared with a UN page, the 2008 peacekeeping timeline on un.org
// (www.un.org/en/events/peacekeepersday/2008/), and agree with it. A host is today's country code for the place the list
// names (ONUC's "Congo" is CD, UNTAET's East Timor is TL); an operation
// whose area the lists give as two countries or a disputed territory has
// no host. Operations whose acronym or host could not be stated with
// confidence (UNSF/UNTEA in West New Guinea, for one) are left out rather
// than guessed: MissionHost reports them as unknown, and the importer
// then leaves the country empty.
var Missions = []Mission{
	// In service.
	{"MINURSO", "United Nations Mission for the Referendum in Western Sahara", "EH", SourcePKCurrent},
	{"MINUSCA", "United Nations Multidimensional Integrated Stabilization Mission in the Central African Republic", "CF", SourcePKCurrent},
	{"MONUSCO", "United Nations Organization Stabilization Mission in the Democratic Republic of the Congo", "CD", SourcePKCurrent},
	{"UNDOF", "United Nations Disengagement Observer Force", "SY", SourcePKCurrent},
	{"UNFICYP", "United Nations Peacekeeping Force in Cyprus", "CY", SourcePKCurrent},
	{"UNIFIL", "United Nations Interim Force in Lebanon", "LB", SourcePKCurrent},
	{"UNISFA", "United Nations Interim Security Force for Abyei", "", SourcePKCurrent}, // Abyei: claimed by SD and SS
	{"UNMIK", "United Nations Interim Administration Mission in Kosovo", "XK", SourcePKCurrent},
	{"UNMISS", "United Nations Mission in the Republic of South Sudan", "SS", SourcePKCurrent},
	{"UNMOGIP", "United Nations Military Observer Group in India and Pakistan", "", SourcePKCurrent},
	{"UNTSO", "United Nations Truce Supervision Organization", "", SourcePKCurrent}, // several countries of the Middle East

	// Closed peacekeeping operations.
	{"UNEF I", "First United Nations Emergency Force", "", SourcePKPast}, // Sinai and the Gaza Strip
	{"UNOGIL", "United Nations Observation Group in Lebanon", "LB", SourcePKPast},
	{"ONUC", "United Nations Operation in the Congo", "CD", SourcePKPast},
	{"UNYOM", "United Nations Yemen Observation Mission", "YE", SourcePKPast},
	{"DOMREP", "Mission of the Representative of the Secretary-General in the Dominican Republic", "DO", SourcePKPast},
	{"UNIPOM", "United Nations India-Pakistan Observation Mission", "", SourcePKPast},
	{"UNEF II", "Second United Nations Emergency Force", "EG", SourcePKPast},
	{"UNGOMAP", "United Nations Good Offices Mission in Afghanistan and Pakistan", "", SourcePKPast},
	{"UNIIMOG", "United Nations Iran-Iraq Military Observer Group", "", SourcePKPast},
	{"UNAVEM I", "United Nations Angola Verification Mission I", "AO", SourcePKPast},
	{"UNTAG", "United Nations Transition Assistance Group", "NA", SourcePKPast},
	{"ONUCA", "United Nations Observer Group in Central America", "", SourcePKPast},
	{"UNIKOM", "United Nations Iraq-Kuwait Observation Mission", "", SourcePKPast},
	{"UNAVEM II", "United Nations Angola Verification Mission II", "AO", SourcePKPast},
	{"ONUSAL", "United Nations Observer Mission in El Salvador", "SV", SourcePKPast},
	{"UNAMIC", "United Nations Advance Mission in Cambodia", "KH", SourcePKPast},
	{"UNPROFOR", "United Nations Protection Force", "", SourcePKPast}, // several republics of former Yugoslavia
	{"UNTAC", "United Nations Transitional Authority in Cambodia", "KH", SourcePKPast},
	{"UNOSOM I", "United Nations Operation in Somalia I", "SO", SourcePKPast},
	{"ONUMOZ", "United Nations Operation in Mozambique", "MZ", SourcePKPast},
	{"UNOSOM II", "United Nations Operation in Somalia II", "SO", SourcePKPast},
	{"UNOMUR", "United Nations Observer Mission Uganda-Rwanda", "", SourcePKPast},
	{"UNOMIG", "United Nations Observer Mission in Georgia", "GE", SourcePKPast},
	{"UNOMIL", "United Nations Observer Mission in Liberia", "LR", SourcePKPast},
	{"UNMIH", "United Nations Mission in Haiti", "HT", SourcePKPast},
	{"UNAMIR", "United Nations Assistance Mission for Rwanda", "RW", SourcePKPast},
	{"UNASOG", "United Nations Aouzou Strip Observer Group", "", SourcePKPast}, // between Chad and Libya
	{"UNMOT", "United Nations Mission of Observers in Tajikistan", "TJ", SourcePKPast},
	{"UNAVEM III", "United Nations Angola Verification Mission III", "AO", SourcePKPast},
	{"UNCRO", "United Nations Confidence Restoration Operation in Croatia", "HR", SourcePKPast},
	{"UNPREDEP", "United Nations Preventive Deployment Force", "MK", SourcePKPast},
	{"UNMIBH", "United Nations Mission in Bosnia and Herzegovina", "BA", SourcePKPast},
	{"UNTAES", "United Nations Transitional Administration for Eastern Slavonia, Baranja and Western Sirmium", "HR", SourcePKPast},
	{"UNMOP", "United Nations Mission of Observers in Prevlaka", "", SourcePKPast}, // a peninsula disputed at the time
	{"UNSMIH", "United Nations Support Mission in Haiti", "HT", SourcePKPast},
	{"MINUGUA", "United Nations Verification Mission in Guatemala", "GT", SourcePKPast},
	{"MONUA", "United Nations Observer Mission in Angola", "AO", SourcePKPast},
	{"UNTMIH", "United Nations Transition Mission in Haiti", "HT", SourcePKPast},
	{"MIPONUH", "United Nations Civilian Police Mission in Haiti", "HT", SourcePKPast},
	{"UNPSG", "United Nations Civilian Police Support Group", "HR", SourcePKPast},
	{"MINURCA", "United Nations Mission in the Central African Republic", "CF", SourcePKPast},
	{"UNOMSIL", "United Nations Observer Mission in Sierra Leone", "SL", SourcePKPast},
	{"UNAMSIL", "United Nations Mission in Sierra Leone", "SL", SourcePKPast},
	{"MONUC", "United Nations Organization Mission in the Democratic Republic of the Congo", "CD", SourcePKPast},
	{"UNTAET", "United Nations Transitional Administration in East Timor", "TL", SourcePKPast},
	{"UNMEE", "United Nations Mission in Ethiopia and Eritrea", "", SourcePKPast},
	{"UNMISET", "United Nations Mission of Support in East Timor", "TL", SourcePKPast},
	{"UNMIL", "United Nations Mission in Liberia", "LR", SourcePKPast},
	{"UNOCI", "United Nations Operation in Côte d'Ivoire", "CI", SourcePKPast},
	{"ONUB", "United Nations Operation in Burundi", "BI", SourcePKPast},
	{"MINUSTAH", "United Nations Stabilization Mission in Haiti", "HT", SourcePKPast},
	{"UNMIS", "United Nations Mission in the Sudan", "SD", SourcePKPast},
	{"UNMIT", "United Nations Integrated Mission in Timor-Leste", "TL", SourcePKPast},
	{"UNAMID", "African Union-United Nations Hybrid Operation in Darfur", "SD", SourcePKPast},
	{"MINURCAT", "United Nations Mission in the Central African Republic and Chad", "", SourcePKPast}, // CF and TD
	{"UNSMIS", "United Nations Supervision Mission in Syria", "SY", SourcePKPast},
	{"MINUSMA", "United Nations Multidimensional Integrated Stabilization Mission in Mali", "ML", SourcePKPast},
	{"MINUJUSTH", "United Nations Mission for Justice Support in Haiti", "HT", SourcePKPast},

	// Special political missions and offices, current and closed.
	{"UNAMA", "United Nations Assistance Mission in Afghanistan", "AF", SourceDPPA},
	{"UNAMI", "United Nations Assistance Mission for Iraq", "IQ", SourceDPPA},
	{"UNSOM", "United Nations Assistance Mission in Somalia", "SO", SourceDPPA},
	{"UNTMIS", "United Nations Transitional Assistance Mission in Somalia", "SO", SourceDPPA},
	{"UNITAMS", "United Nations Integrated Transition Assistance Mission in Sudan", "SD", SourceDPPA},
	{"BINUH", "United Nations Integrated Office in Haiti", "HT", SourceDPPA},
	{"UNMHA", "United Nations Mission to support the Hudaydah Agreement", "YE", SourceDPPA},
	{"UNSMIL", "United Nations Support Mission in Libya", "LY", SourceDPPA},
	{"UNVMC", "United Nations Verification Mission in Colombia", "CO", SourceDPPA},
	{"UNMIN", "United Nations Mission in Nepal", "NP", SourceDPPA},
	{"UNIOGBIS", "United Nations Integrated Peacebuilding Office in Guinea-Bissau", "GW", SourceDPPA},
	{"UNOGBIS", "United Nations Peacebuilding Support Office in Guinea-Bissau", "GW", SourceDPPA},
	{"BONUCA", "United Nations Peacebuilding Support Office in the Central African Republic", "CF", SourceDPPA},
	{"BINUCA", "United Nations Integrated Peacebuilding Office in the Central African Republic", "CF", SourceDPPA},
	{"BINUB", "United Nations Integrated Office in Burundi", "BI", SourceDPPA},
	{"BNUB", "United Nations Office in Burundi", "BI", SourceDPPA},
	{"UNIOSIL", "United Nations Integrated Office in Sierra Leone", "SL", SourceDPPA},
	{"UNIPSIL", "United Nations Integrated Peacebuilding Office in Sierra Leone", "SL", SourceDPPA},
	{"UNPOS", "United Nations Political Office for Somalia", "SO", SourceDPPA},
	{"UNOWAS", "United Nations Office for West Africa and the Sahel", "", SourceDPPA}, // regional office
	{"UNOCA", "United Nations Regional Office for Central Africa", "", SourceDPPA},
	{"UNRCCA", "United Nations Regional Centre for Preventive Diplomacy for Central Asia", "", SourceDPPA},
	{"UNSCO", "Office of the United Nations Special Coordinator for the Middle East Peace Process", "", SourceDPPA},

	// Support offices.
	{"UNSOA", "United Nations Support Office for AMISOM", "SO", SourceDOS},
	{"UNSOS", "United Nations Support Office in Somalia", "SO", SourceDOS},
}

// missionIndex finds a mission by missionKey of its acronym.
var missionIndex = func() map[string]int {
	m := make(map[string]int, len(Missions))
	for i, ms := range Missions {
		m[missionKey(ms.Acronym)] = i
	}
	return m
}()

// missionKey keeps the letters and digits of an acronym, upper-cased, so
// that "UNEF I", "unef-i" and " UNEFI " are one mission.
func missionKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// lookupMission returns the entry for an acronym in any case or spacing.
func lookupMission(acronym string) (Mission, bool) {
	i, ok := missionIndex[missionKey(acronym)]
	if !ok || missionKey(acronym) == "" {
		return Mission{}, false
	}
	return Missions[i], true
}

// MissionHost returns the host country (ISO 3166-1 alpha-2) of a UN
// operation given by its acronym, in any case or spacing. ok is false for
// an acronym not in Missions; country is "" with ok true for an operation
// with no single host.
func MissionHost(acronym string) (country string, ok bool) {
	m, ok := lookupMission(acronym)
	return m.Host, ok
}

// CanonicalMission returns the acronym of the UN operation a name spells in
// any case, spacing or punctuation ("minusma", "-MINUSMA"), so that reports
// show one spelling of it.
func CanonicalMission(name string) (string, bool) {
	m, ok := lookupMission(name)
	return m.Acronym, ok
}
