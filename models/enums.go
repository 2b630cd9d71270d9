package models

// IncidentType is what kind of event an incident was. The list follows the
// categories the UN and conflict-event datasets use, plus "malicious_act"
// for a hostile act whose kind was not reported.
type IncidentType string

// The incident types of DESIGN.md.
const (
	ArmedAttack   IncidentType = "armed_attack"
	Ambush        IncidentType = "ambush"
	IED           IncidentType = "ied"
	IndirectFire  IncidentType = "indirect_fire"
	ComplexAttack IncidentType = "complex_attack"
	SuicideAttack IncidentType = "suicide_attack"
	Abduction     IncidentType = "abduction"
	MaliciousAct  IncidentType = "malicious_act"
	Accident      IncidentType = "accident"
	Illness       IncidentType = "illness"
	SelfInflicted IncidentType = "self_inflicted"
	OtherType     IncidentType = "other"
	UnknownType   IncidentType = "unknown"
)

// IncidentTypes lists every valid IncidentType in a stable order.
var IncidentTypes = []IncidentType{ArmedAttack, Ambush, IED, IndirectFire, ComplexAttack,
	SuicideAttack, Abduction, MaliciousAct, Accident, Illness, SelfInflicted, OtherType, UnknownType}

// Valid reports whether t is one of IncidentTypes.
func (t IncidentType) Valid() bool { return contains(IncidentTypes, t) }

// Group is who a casualty line counts.
type Group string

// The casualty groups of DESIGN.md.
const (
	Peacekeeper         Group = "peacekeeper"
	UNCivilian          Group = "un_civilian"
	Contractor          Group = "contractor"
	NationalForces      Group = "national_forces"
	InternationalForces Group = "international_forces"
	Civilian            Group = "civilian"
	Assailant           Group = "assailant"
	UnknownGroup        Group = "unknown"
)

// Groups lists every valid Group in a stable order.
var Groups = []Group{Peacekeeper, UNCivilian, Contractor, NationalForces,
	InternationalForces, Civilian, Assailant, UnknownGroup}

// Valid reports whether g is one of Groups.
func (g Group) Valid() bool { return contains(Groups, g) }

// DatePrecision says how much of occurred_on is known: with "month", the
// date is some day inside that month, so reports by month stay right while
// reports by day should not be trusted for that incident.
type DatePrecision string

// The date precisions of DESIGN.md.
const (
	PrecisionDay   DatePrecision = "day"
	PrecisionWeek  DatePrecision = "week"
	PrecisionMonth DatePrecision = "month"
	PrecisionYear  DatePrecision = "year"
)

// DatePrecisions lists every valid DatePrecision from finest to coarsest.
var DatePrecisions = []DatePrecision{PrecisionDay, PrecisionWeek, PrecisionMonth, PrecisionYear}

// Valid reports whether p is one of DatePrecisions.
func (p DatePrecision) Valid() bool { return contains(DatePrecisions, p) }

// Role is what an API key may do; each role includes the ones before it.
type Role string

// The roles of DESIGN.md.
const (
	RoleReader Role = "reader"
	RoleEditor Role = "editor"
	RoleAdmin  Role = "admin"
)

// Roles lists the roles from least to most powerful.
var Roles = []Role{RoleReader, RoleEditor, RoleAdmin}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return contains(Roles, r) }

// Allows reports whether a key with role r may act as role need.
func (r Role) Allows(need Role) bool { return rank(r) >= rank(need) && r.Valid() }

func rank(r Role) int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return -1
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Names returns the string forms of a list of enum values, for messages.
func Names[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// Origin is how an incident entered this database: through the API, or by
// importing a file of one of the formats. It is set when the incident is
// created and never changed, so a reader can tell an editor's record from
// a dataset's row.
type Origin string

// The origins: OriginAPI, the import formats by name, and OriginUnrecorded
// for incidents stored before origins were kept that no rule could place.
const (
	OriginAPI        Origin = "api"
	OriginUnrecorded Origin = "unrecorded"
)

// Origins lists every valid Origin.
var Origins = []Origin{OriginAPI, "csv", "ndjson", "json", "acled", "un-fatalities", OriginUnrecorded}

// Valid reports whether o is one of Origins.
func (o Origin) Valid() bool { return contains(Origins, o) }
