package models

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"incidentdb/models/gazetteer"
)

// Limits on input sizes. They are generous for real records and stop a
// client from filling the database with one request.
const (
	MaxSummaryRunes = 10000
	MaxShortRunes   = 200
	MaxCasualties   = 500
	MaxSources      = 50
	MaxListItems    = 50
	MaxCount        = 1_000_000 // no single incident has killed or wounded more
)

// earliestDate bounds occurred_on from below: nothing older belongs in a
// database of peace operations, and it catches two-digit-year mistakes.
const earliestDate = "1900-01-01"

// IncidentInput is the body of a create or replace. Pointers and Figures
// tell "left out" from "given": a left-out killed total is computed from
// the breakdown (a null one is unknown), a left-out contributing_countries
// list is derived from nationalities.
// Server-owned fields are accepted and ignored so that a client can PUT back
// what it got from GET.
type IncidentInput struct {
	ExternalID            *string         `json:"external_id"`
	Dataset               *string         `json:"dataset"`
	OccurredOn            *string         `json:"occurred_on"`
	DatePrecision         *string         `json:"date_precision"`
	Mission               *string         `json:"mission"`
	Country               *string         `json:"country"`
	Region                *string         `json:"region"`
	Locality              *string         `json:"locality"`
	Latitude              *float64        `json:"latitude"`
	Longitude             *float64        `json:"longitude"`
	Type                  *string         `json:"type"`
	Summary               *string         `json:"summary"`
	Killed                Figure          `json:"killed,omitzero"`
	Wounded               Figure          `json:"wounded,omitzero"`
	Casualties            []CasualtyInput `json:"casualties"`
	Forces                []string        `json:"forces"`
	ContributingCountries []string        `json:"contributing_countries"`
	Sources               []SourceInput   `json:"sources"`
	Claims                []ClaimInput    `json:"claims"`

	ID json.RawMessage `json:"id,omitempty"`
	Derived
	Conflict  json.RawMessage `json:"conflict,omitempty"`
	Origin    json.RawMessage `json:"origin,omitempty"`
	Version   json.RawMessage `json:"version,omitempty"`
	CreatedAt json.RawMessage `json:"created_at,omitempty"`
	UpdatedAt json.RawMessage `json:"updated_at,omitempty"`
	DeletedAt json.RawMessage `json:"deleted_at,omitempty"`
}

// CasualtyInput is one casualty line as a client sends it.
type CasualtyInput struct {
	Group       *string `json:"group"`
	Force       *string `json:"force"`
	Nationality *string `json:"nationality"`
	Killed      Figure  `json:"killed,omitzero"`
	Wounded     Figure  `json:"wounded,omitzero"`
	Derived
}

// Derived are the estimates the server derives from claims: accepted and
// ignored, so that what GET gives can be sent back.
type Derived struct {
	KilledLow   json.RawMessage `json:"killed_low,omitempty"`
	KilledHigh  json.RawMessage `json:"killed_high,omitempty"`
	WoundedLow  json.RawMessage `json:"wounded_low,omitempty"`
	WoundedHigh json.RawMessage `json:"wounded_high,omitempty"`
}

// SourceInput is one source as a client sends it.
type SourceInput struct {
	Title       *string `json:"title"`
	Publisher   *string `json:"publisher"`
	URL         *string `json:"url"`
	PublishedOn *string `json:"published_on"`
	Language    *string `json:"language"`
}

// DecodeIncidentInput reads exactly one JSON object, rejecting unknown
// fields, trailing data and invalid UTF-8 (which encoding/json would
// otherwise turn silently into U+FFFD, altering evidence).
func DecodeIncidentInput(body []byte) (IncidentInput, error) {
	var in IncidentInput
	err := decodeStrict(body, &in, incidentSchema)
	return in, err
}

// DecodeStrict decodes one JSON value from body into v, with the rules of
// DecodeIncidentInput, and turns decoder errors into field-level errors.
func DecodeStrict(body []byte, v any) error { return decodeStrict(body, v, nil) }

func decodeStrict(body []byte, v any, schema *keySchema) error {
	return decodeStrictWith(body, v, schema, false)
}

// decodeStrictWith is decodeStrict; with numbers, numbers decode as
// json.Number, keeping their text (a merge patch must not turn 1e3 into
// 1000, or 1.0000000000000000001 into 1, before the rules see it).
func decodeStrictWith(body []byte, v any, schema *keySchema, numbers bool) error {
	if !utf8.Valid(body) || loneSurrogate(body) {
		return FieldErrorf(Malformed, "the body is not valid UTF-8", "body", "not valid UTF-8")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return FieldErrorf(Malformed, "the body is empty", "body", "a JSON object is required")
	}
	if err := checkKeys(body, schema); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if numbers {
		dec.UseNumber()
	}
	if err := dec.Decode(v); err != nil {
		if _, incident := v.(*IncidentInput); incident {
			return withListIndex(body, jsonError(err))
		}
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return FieldErrorf(Malformed, "the body has data after the JSON object", "body", "only one JSON object is allowed")
	}
	return nil
}

// withListIndex puts the place in its list into a wrong-type error inside
// an incident's casualties, sources or claims: the decoder names the field
// ("casualties.killed") but not which line, and a client with fifty lines
// must be told.
func withListIndex(body []byte, err error) error {
	var e *Error
	if !errors.As(err, &e) || len(e.Fields) != 1 {
		return err
	}
	list, rest, ok := strings.Cut(e.Fields[0].Field, ".")
	elem := map[string]func() any{
		"casualties": func() any { return &CasualtyInput{} },
		"sources":    func() any { return &SourceInput{} },
		"claims":     func() any { return &ClaimInput{} },
	}[list]
	if !ok || elem == nil {
		return err
	}
	var doc map[string]json.RawMessage
	var items []json.RawMessage
	if json.Unmarshal(body, &doc) != nil || json.Unmarshal(doc[list], &items) != nil {
		return err
	}
	for i, it := range items {
		if json.Unmarshal(it, elem()) != nil {
			e.Fields[0].Field = fmt.Sprintf("%s[%d].%s", list, i, rest)
			break
		}
	}
	return e
}

func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return FieldErrorf(Malformed, "the body is not valid JSON", "body", "%s (at byte %d)", syntax.Error(), syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return FieldErrorf(Malformed, "the body must be a JSON object", "body", "must be a JSON object, not JSON %s", typ.Value)
		}
		return &Error{Code: Invalid, Message: "a field has the wrong type",
			Fields: []FieldError{{Field: field, Message: fmt.Sprintf("must be %s, not JSON %s", jsonKind(typ.Type.String()), typ.Value)}}}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return FieldErrorf(Malformed, "the body is not valid JSON", "body", "unexpected end of input")
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return FieldErrorf(Malformed, "the body has an unknown field", name, "unknown field")
	}
	return &Error{Code: Malformed, Message: "the body could not be read",
		Fields: []FieldError{{Field: "body", Message: msg}}}
}

func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.Contains(goType, "int"):
		return "a whole number within range"
	case strings.Contains(goType, "float"):
		return "a number"
	case strings.Contains(goType, "string"):
		return "a string"
	}
	return "an object"
}

// Normalize checks every rule of the data model and returns the incident in
// canonical form: trimmed strings, codes for country names, the gazetteer's
// spelling of the region, totals filled in from the breakdown. It reports
// every failing field, not only the first. now is the clock for "not in the
// future".
func (in IncidentInput) Normalize(now time.Time) (Incident, error) {
	var fe FieldErrors
	out := Incident{}

	out.ExternalID = optText(&fe, "external_id", in.ExternalID, MaxShortRunes)
	out.Origin = OriginAPI
	out.Dataset = optDataset(&fe, "dataset", in.Dataset)

	out.OccurredOn = ""
	if in.OccurredOn == nil || strings.TrimSpace(*in.OccurredOn) == "" {
		fe.Add("occurred_on", "is required (YYYY-MM-DD)")
	} else if d, msg := parseDate(strings.TrimSpace(*in.OccurredOn), now); msg != "" {
		fe.Add("occurred_on", "%s", msg)
	} else {
		out.OccurredOn = d
	}

	out.DatePrecision = PrecisionDay
	if in.DatePrecision != nil && strings.TrimSpace(*in.DatePrecision) != "" {
		p := DatePrecision(strings.ToLower(strings.TrimSpace(*in.DatePrecision)))
		if !p.Valid() {
			fe.Add("date_precision", "must be one of %s", strings.Join(Names(DatePrecisions), ", "))
		}
		out.DatePrecision = p
	}

	out.Mission = optText(&fe, "mission", in.Mission, MaxShortRunes)
	out.Country = optCountry(&fe, "country", in.Country)
	out.Region = resolveRegion(&fe, &out.Country, in.Region)
	out.Locality = optText(&fe, "locality", in.Locality, MaxShortRunes)

	switch {
	case in.Latitude == nil && in.Longitude == nil:
	case in.Latitude == nil:
		fe.Add("latitude", "is required when longitude is given")
	case in.Longitude == nil:
		fe.Add("longitude", "is required when latitude is given")
	default:
		if math.IsNaN(*in.Latitude) || *in.Latitude < -90 || *in.Latitude > 90 {
			fe.Add("latitude", "must be between -90 and 90")
		}
		if math.IsNaN(*in.Longitude) || *in.Longitude < -180 || *in.Longitude > 180 {
			fe.Add("longitude", "must be between -180 and 180")
		}
		out.Latitude, out.Longitude = in.Latitude, in.Longitude
	}

	if in.Type == nil || strings.TrimSpace(*in.Type) == "" {
		fe.Add("type", "is required: one of %s", strings.Join(Names(IncidentTypes), ", "))
	} else {
		t := IncidentType(strings.ToLower(strings.TrimSpace(*in.Type)))
		if !t.Valid() {
			fe.Add("type", "must be one of %s", strings.Join(Names(IncidentTypes), ", "))
		}
		out.Type = t
	}

	if in.Summary != nil {
		// Line breaks are stored as LF: a CSV reader turns CRLF inside a
		// cell into LF, and a round trip through our CSV must give back
		// the same summary.
		s := strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(*in.Summary, "\r\n", "\n"), "\r", "\n"))
		if n := utf8.RuneCountInString(s); n > MaxSummaryRunes {
			fe.Add("summary", "is %d characters long; at most %d are allowed", n, MaxSummaryRunes)
		} else if hasControl(s, true) {
			fe.Add("summary", "must not contain control characters other than tab and newline")
		} else {
			out.Summary = s
		}
	}

	out.Casualties = normalizeCasualties(&fe, in.Casualties)
	out.Claims = normalizeClaims(&fe, in.Claims, len(in.Sources), out.Casualties, now)
	settleLines(&fe, in, &out)
	checkLineCounts(&fe, in.Casualties, out.Casualties, out.Claims)
	out.Killed = total(&fe, "killed", in.Killed, lineSum(out.Casualties, func(c Casualty) *int { return c.Killed }))
	out.Wounded = total(&fe, "wounded", in.Wounded, lineSum(out.Casualties, func(c Casualty) *int { return c.Wounded }))
	settleTotals(&fe, in, &out)

	out.Forces = normalizeForces(&fe, in.Forces, out.Mission, out.Casualties)
	out.ContributingCountries = normalizeContributors(&fe, in.ContributingCountries, out.Country, out.Casualties)
	out.Sources = normalizeSources(&fe, in.Sources, now)

	if err := fe.Err("the incident is not valid"); err != nil {
		return Incident{}, err
	}
	return out, nil
}

// lineSum is what the lines say of one figure: the sum of the known ones,
// and whether every line knows it.
type lineTotal struct {
	known int
	all   bool
}

func lineSum(lines []Casualty, figure func(Casualty) *int) lineTotal {
	t := lineTotal{all: true}
	for _, c := range lines {
		if v := figure(c); v != nil {
			t.known += *v
		} else {
			t.all = false
		}
	}
	return t
}

// total decides an incident's figure. Left out, it is the sum of the
// breakdown when every line knows it, and unknown when one does not (the
// lines then only say "at least"). Given, it is at least what the lines
// know.
func total(fe *FieldErrors, field string, given Figure, sum lineTotal) *int {
	if !given.Given {
		if !sum.all {
			return nil
		}
		if sum.known > MaxCount {
			// A derived total is held to the cap a given one is, or the
			// incident could not be sent back as it is stored.
			fe.Add(field, "the casualty lines add up to %d; a total is at most %d", sum.known, MaxCount)
		}
		return &sum.known
	}
	v := given.Value
	switch {
	case v == nil:
	case *v < 0:
		fe.Add(field, "must not be negative")
	case *v > MaxCount:
		fe.Add(field, "must be at most %d", MaxCount)
	case *v < sum.known:
		fe.Add(field, "is %d but the casualty lines add up to %d; a total is at least the sum of its breakdown", *v, sum.known)
	}
	if v == nil {
		return nil
	}
	return ptrInt(*v) // the incident's own, not the input's
}

func normalizeCasualties(fe *FieldErrors, lines []CasualtyInput) []Casualty {
	if len(lines) > MaxCasualties {
		fe.Add("casualties", "has %d lines; at most %d are allowed", len(lines), MaxCasualties)
		return nil
	}
	out := make([]Casualty, 0, len(lines))
	for i, l := range lines {
		p := fmt.Sprintf("casualties[%d].", i)
		c := Casualty{}
		if l.Group == nil || strings.TrimSpace(*l.Group) == "" {
			fe.Add(p+"group", "is required: one of %s", strings.Join(Names(Groups), ", "))
		} else {
			c.Group = Group(strings.ToLower(strings.TrimSpace(*l.Group)))
			if !c.Group.Valid() {
				fe.Add(p+"group", "must be one of %s", strings.Join(Names(Groups), ", "))
			}
		}
		c.Force = optText(fe, p+"force", l.Force, MaxShortRunes)
		c.Nationality = optCountry(fe, p+"nationality", l.Nationality)
		c.Killed = count(fe, p+"killed", l.Killed)
		c.Wounded = count(fe, p+"wounded", l.Wounded)
		out = append(out, c)
	}
	return out
}

// checkLineCounts holds each settled line to counting someone: it gives
// killed or wounded (or has claims about them), and not both 0.
func checkLineCounts(fe *FieldErrors, in []CasualtyInput, lines []Casualty, claims []Claim) {
	for i, c := range lines {
		p := fmt.Sprintf("casualties[%d].", i)
		claimed := len(claimsOf(claims, "killed", &c))+len(claimsOf(claims, "wounded", &c)) > 0
		switch {
		case !in[i].Killed.Given && !in[i].Wounded.Given && !claimed:
			fe.Add(p+"killed", "a casualty line needs killed or wounded")
		case Same(c.Killed, ptrInt(0)) && Same(c.Wounded, ptrInt(0)):
			fe.Add(p+"killed", "a casualty line counts at least one person killed or wounded (or a number not known: null)")
		}
	}
}

// count reads a line's figure: left out is 0 (a line of three killed need
// not say "wounded": 0), null is unknown.
func count(fe *FieldErrors, field string, v Figure) *int {
	switch {
	case !v.Given:
		return ptrInt(0)
	case v.Value == nil:
		return nil
	case *v.Value < 0:
		fe.Add(field, "must not be negative")
		return nil // the error stands; no second one about the line's people
	case *v.Value > MaxCount:
		fe.Add(field, "must be at most %d", MaxCount)
		return nil
	}
	return ptrInt(*v.Value)
}

func ptrInt(n int) *int { return &n }

// optDataset reads a dataset label: a short name in lower case, as in a
// URL, so that dataset=acled finds what --dataset acled wrote.
func optDataset(fe *FieldErrors, field string, v *string) *string {
	if v == nil || strings.TrimSpace(*v) == "" {
		return nil
	}
	d := strings.ToLower(strings.TrimSpace(*v))
	if !ValidDataset(d) {
		fe.Add(field, "%q is not a dataset label: 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit", *v)
		return nil
	}
	return &d
}

// ValidDataset reports whether d is a dataset label.
func ValidDataset(d string) bool {
	if d == "" || len(d) > 64 {
		return false
	}
	for i, r := range d {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case i > 0 && (r == '.' || r == '_' || r == '-'):
		default:
			return false
		}
	}
	return true
}

// normalizeForces keeps the client's list when given; when left out, the
// forces are the mission and the forces of the casualty lines, which is
// what a reader of the source would list.
func normalizeForces(fe *FieldErrors, given []string, mission *string, lines []Casualty) []string {
	if given != nil {
		return textSet(fe, "forces", given)
	}
	var derived []string
	if mission != nil {
		derived = append(derived, *mission)
	}
	for _, c := range lines {
		if c.Force != nil {
			derived = append(derived, *c.Force)
		}
	}
	return dedupe(derived)
}

// normalizeContributors keeps the client's list when given; when left out,
// it is every casualty nationality other than the host country, as
// DESIGN.md says.
func normalizeContributors(fe *FieldErrors, given []string, host *string, lines []Casualty) []string {
	if given != nil {
		if len(given) > MaxListItems {
			fe.Add("contributing_countries", "has %d items; at most %d are allowed", len(given), MaxListItems)
			return nil
		}
		codes := make([]string, 0, len(given))
		for i, g := range given {
			if c := optCountry(fe, fmt.Sprintf("contributing_countries[%d]", i), &g); c != nil {
				codes = append(codes, *c)
			}
		}
		return dedupe(codes)
	}
	codes := []string{}
	for _, c := range lines {
		if c.Nationality != nil && (host == nil || *c.Nationality != *host) {
			codes = append(codes, *c.Nationality)
		}
	}
	return dedupe(codes)
}

func normalizeSources(fe *FieldErrors, given []SourceInput, now time.Time) []Source {
	if len(given) > MaxSources {
		fe.Add("sources", "has %d items; at most %d are allowed", len(given), MaxSources)
		return nil
	}
	out := make([]Source, 0, len(given))
	for i, s := range given {
		p := fmt.Sprintf("sources[%d].", i)
		src := Source{}
		if t := optText(fe, p+"title", s.Title, 1000); t != nil {
			src.Title = *t
		}
		src.Publisher = optText(fe, p+"publisher", s.Publisher, MaxShortRunes)
		if u := optText(fe, p+"url", s.URL, 2000); u != nil {
			parsed, err := url.Parse(*u)
			if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
				fe.Add(p+"url", "must be an absolute http or https URL")
			}
			src.URL = u
		}
		if src.Title == "" && src.URL == nil {
			fe.Add(p+"title", "a source needs a title or a url")
		}
		if d := optText(fe, p+"published_on", s.PublishedOn, 10); d != nil {
			if norm, msg := parseDate(*d, now); msg != "" {
				fe.Add(p+"published_on", "%s", msg)
			} else {
				src.PublishedOn = &norm
			}
		}
		if l := optText(fe, p+"language", s.Language, 35); l != nil {
			if !validLanguageTag(*l) {
				fe.Add(p+"language", "must be a language tag such as en or fr")
			}
			src.Language = l
		}
		out = append(out, src)
	}
	return out
}

func validLanguageTag(s string) bool {
	for i, part := range strings.Split(s, "-") {
		if len(part) == 0 || len(part) > 8 || (i == 0 && (len(part) < 2 || len(part) > 3)) {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || (i > 0 && r >= '0' && r <= '9')) {
				return false
			}
		}
	}
	return true
}

// parseDate accepts only YYYY-MM-DD, a real calendar day, not before 1900
// and not after today anywhere on Earth (UTC+14), so that a report filed
// in the Pacific on its local date is not refused.
func parseDate(s string, now time.Time) (string, string) {
	if len(s) != len(DateLayout) {
		return "", "must be a date as YYYY-MM-DD"
	}
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		return "", "must be a real date as YYYY-MM-DD"
	}
	if s < earliestDate {
		return "", "must not be before " + earliestDate
	}
	latest := now.UTC().Add(14 * time.Hour).Format(DateLayout)
	if d.Format(DateLayout) > latest {
		return "", "must not be in the future"
	}
	return s, ""
}

func optText(fe *FieldErrors, field string, v *string, max int) *string {
	if v == nil {
		return nil
	}
	s := strings.TrimSpace(*v)
	if s == "" {
		return nil
	}
	if n := utf8.RuneCountInString(s); n > max {
		fe.Add(field, "is %d characters long; at most %d are allowed", n, max)
		return nil
	}
	if hasControl(s, false) {
		fe.Add(field, "must not contain control characters")
		return nil
	}
	return &s
}

func hasControl(s string, allowLines bool) bool {
	for _, r := range s {
		if allowLines && (r == '\n' || r == '\t' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

func optCountry(fe *FieldErrors, field string, v *string) *string {
	s := optText(fe, field, v, MaxShortRunes)
	if s == nil || gazetteer.Placeholder(*s) {
		// "ZZ [Undetermined]" and the like say the country is not known.
		return nil
	}
	code, ok := gazetteer.LookupCountry(*s)
	if !ok {
		fe.Add(field, "%s", gazetteer.UnknownCountry(*s))
		return nil
	}
	return &code
}

// resolveRegion returns the canonical name of the region and, when the
// country was left out and the region belongs to one country only, fills
// the country in: a region is a fact about where, and a report by country
// should not lose it.
func resolveRegion(fe *FieldErrors, country **string, v *string) *string {
	s := optText(fe, "region", v, MaxShortRunes)
	if s == nil {
		return nil
	}
	host := ""
	if *country != nil {
		host = **country
	}
	if r, ok := gazetteer.LookupRegion(host, *s); ok {
		if *country == nil {
			*country = &r.Country
		}
		return &r.Name
	}
	if host != "" && !gazetteer.Covers(host) {
		return s // a country we hold no regions for: keep the name as given
	}
	if host == "" {
		fe.Add("region", "%q is not a known region; give the country too, or a name from GET /api/v1/regions", *s)
		return nil
	}
	if near := gazetteer.Suggest(host, *s, 3); len(near) > 0 {
		fe.Add("region", "%q is not a region of %s; closest known: %s", *s, host, strings.Join(near, ", "))
	} else {
		fe.Add("region", "%q is not a region of %s", *s, host)
	}
	return nil
}

func textSet(fe *FieldErrors, field string, items []string) []string {
	if len(items) > MaxListItems {
		fe.Add(field, "has %d items; at most %d are allowed", len(items), MaxListItems)
		return nil
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		name := fmt.Sprintf("%s[%d]", field, i)
		if strings.Contains(it, ";") {
			// ";" separates the items of a list cell in CSV; allowing it in an
			// item would split it in two on the way back in.
			fe.Add(name, "must not contain \";\"")
			continue
		}
		if t := optText(fe, name, &it, MaxShortRunes); t != nil {
			out = append(out, *t)
		}
	}
	return dedupe(out)
}

// dedupe keeps the first of each item, compared by folded form, so that
// "FAMa" and "fama" are one force.
func dedupe(items []string) []string {
	seen := make(map[string]bool, len(items))
	out := make([]string, 0, len(items))
	for _, it := range items {
		k := gazetteer.Fold(it)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, it)
	}
	return out
}

// ToInput turns a stored incident back into the input that would produce
// it, so that a merge patch can be applied to the JSON a client sees and the
// result validated by the same rules as a create.
func (inc Incident) ToInput() IncidentInput {
	in := IncidentInput{
		ExternalID: inc.ExternalID, OccurredOn: &inc.OccurredOn, Mission: inc.Mission,
		Country: inc.Country, Region: inc.Region, Locality: inc.Locality,
		Latitude: inc.Latitude, Longitude: inc.Longitude, Summary: &inc.Summary,
		Dataset: inc.Dataset, Killed: FigureOf(inc.Killed), Wounded: FigureOf(inc.Wounded),
		Forces: append([]string{}, inc.Forces...), ContributingCountries: append([]string{}, inc.ContributingCountries...),
	}
	p, t := string(inc.DatePrecision), string(inc.Type)
	in.DatePrecision, in.Type = &p, &t
	for _, c := range inc.Casualties {
		g := string(c.Group)
		in.Casualties = append(in.Casualties, CasualtyInput{Group: &g, Force: c.Force, Nationality: c.Nationality, Killed: FigureOf(c.Killed), Wounded: FigureOf(c.Wounded)})
	}
	for _, s := range inc.Sources {
		title := s.Title
		in.Sources = append(in.Sources, SourceInput{Title: &title, Publisher: s.Publisher, URL: s.URL, PublishedOn: s.PublishedOn, Language: s.Language})
	}
	for _, c := range inc.Claims {
		in.Claims = append(in.Claims, c.input())
	}
	// A figure with claims is theirs to decide: left out, it follows them
	// when they change.
	if len(claimsOf(inc.Claims, "killed", nil)) > 0 {
		in.Killed = Figure{}
	}
	if len(claimsOf(inc.Claims, "wounded", nil)) > 0 {
		in.Wounded = Figure{}
	}
	for i := range in.Casualties {
		if len(claimsOf(inc.Claims, "killed", &inc.Casualties[i])) > 0 {
			in.Casualties[i].Killed = Figure{}
		}
		if len(claimsOf(inc.Claims, "wounded", &inc.Casualties[i])) > 0 {
			in.Casualties[i].Wounded = Figure{}
		}
	}
	return in
}
