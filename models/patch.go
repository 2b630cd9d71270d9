package models

import "encoding/json"

// MergePatch applies an RFC 7396 JSON merge patch to the incident and
// returns the input the result stands for. The patch is applied to the JSON
// a client sees, so "null" removes a value (and a removed total is then
// recomputed from the breakdown), arrays are replaced whole, and the result
// goes through the same Normalize as a create.
func (inc Incident) MergePatch(patch []byte) (IncidentInput, error) {
	var p any
	if err := DecodeStrict(patch, &p); err != nil {
		return IncidentInput{}, err
	}
	if _, ok := p.(map[string]any); !ok {
		return IncidentInput{}, &Error{Code: Malformed, Message: "a merge patch must be a JSON object",
			Fields: []FieldError{{Field: "body", Message: "must be a JSON object"}}}
	}
	current, err := json.Marshal(inc.ToInput())
	if err != nil {
		return IncidentInput{}, err
	}
	var doc any
	if err := json.Unmarshal(current, &doc); err != nil {
		return IncidentInput{}, err
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
