package models

import (
	"encoding/json"
	"slices"
)

// MergePatch applies an RFC 7396 JSON merge patch to the incident and
// returns the input the result stands for. The patch is applied to the JSON
// a client sees, so "null" removes a value, arrays are replaced whole, and
// the result goes through the same Normalize as a create. killed and
// wounded are the exception: null makes them unknown, as GET writes an
// unknown figure.
func (inc Incident) MergePatch(patch []byte) (IncidentInput, error) {
	var p any
	if err := decodeStrictWith(patch, &p, incidentSchema, true); err != nil {
		return IncidentInput{}, err
	}
	if _, ok := p.(map[string]any); !ok {
		return IncidentInput{}, FieldErrorf(Malformed, "a merge patch must be a JSON object", "body", "must be a JSON object")
	}
	current, err := json.Marshal(inc.ToInput())
	if err != nil {
		return IncidentInput{}, err
	}
	var doc map[string]any
	if err := json.Unmarshal(current, &doc); err != nil {
		return IncidentInput{}, err
	}
	// A value that equals what would be derived from the rest is treated as
	// derived, so that a patch of the casualty lines alone moves the totals
	// and the contributing countries with them, as it would on a create.
	pm := p.(map[string]any)
	var ignore FieldErrors
	derivable := map[string]bool{
		"killed":                 Same(inc.Killed, total(&ignore, "", Figure{}, lineSum(inc.Casualties, func(c Casualty) *int { return c.Killed }))),
		"wounded":                Same(inc.Wounded, total(&ignore, "", Figure{}, lineSum(inc.Casualties, func(c Casualty) *int { return c.Wounded }))),
		"forces":                 slices.Equal(inc.Forces, normalizeForces(&ignore, nil, inc.Mission, inc.Casualties)),
		"contributing_countries": slices.Equal(inc.ContributingCountries, normalizeContributors(&ignore, nil, inc.Country, inc.Casualties)),
	}
	for field, derived := range derivable {
		if _, given := pm[field]; derived && !given {
			delete(doc, field)
		}
	}
	// A null figure is unknown, as GET shows it, not a member removed:
	// removing it would bring back the derived total, and a merge patch
	// would then have no way to say "not known".
	for _, field := range []string{"killed", "wounded"} {
		if v, given := pm[field]; given && v == nil {
			pm[field] = json.RawMessage("null")
		}
	}
	merged, err := json.Marshal(mergeValue(doc, p))
	if err != nil {
		return IncidentInput{}, err
	}
	return DecodeIncidentInput(merged)
}

func mergeValue(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
			continue
		}
		tm[k] = mergeValue(tm[k], v)
	}
	return tm
}
