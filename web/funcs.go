package web

import (
	"html/template"
	"strings"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

var templateFuncs = template.FuncMap{
	"list": func(v ...string) []string { return v },
	"add":  func(a, b int) int { return a + b },
	"join": strings.Join,
	"clip": clipName,
	"deref": func(v any) any {
		switch p := v.(type) {
		case *int:
			if p == nil {
				return nil
			}
			return *p
		case *float64:
			if p == nil {
				return nil
			}
			return *p
		case *string:
			if p == nil {
				return ""
			}
			return *p
		}
		return v
	},
	"countryName": func(code string) string {
		if n := gazetteer.CountryName(code); n != "" {
			return n
		}
		return code
	},
	"withParam":  withParam,
	"types":      func() []models.IncidentType { return models.IncidentTypes },
	"groups":     func() []models.Group { return models.Groups },
	"precisions": func() []models.DatePrecision { return models.DatePrecisions },
	"fieldOf":    fieldOf,
	"percent":    func(f float64) int { return int(f*100 + 0.5) },
}

// formField is one labelled box of the incident form.
type formField struct {
	Name, Label, Value, Kind, Hint, Error string
}

func fieldOf(v view, name, value, kind string) formField {
	d, _ := v.Data.(formData)
	f := formField{Name: name, Label: v.L.T("field." + name), Value: value, Kind: kind, Error: d.Err(name)}
	switch kind {
	case "figure":
		f.Hint = v.L.T("edit.figureplaceholder")
	case "list":
		f.Hint = v.L.T("edit.listplaceholder")
	}
	return f
}
