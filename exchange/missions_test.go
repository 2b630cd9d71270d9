package exchange_test

import (
	"strings"
	"testing"

	"incidentdb/exchange"
	"incidentdb/models/gazetteer"
)

func TestMissionHost(t *testing.T) {
	tests := []struct {
		acronym string
		host    string
		ok      bool
	}{
		{"MINUSMA", "ML", true},
		{"minusma ", "ML", true},
		{"MINUSCA", "CF", true},
		{"MONUSCO", "CD", true},
		{"MONUC", "CD", true},
		{"UNMISS", "SS", true},
		{"UNIFIL", "LB", true},
		{"UNMIK", "XK", true},
		{"MINURSO", "EH", true},
		{"UNEF I", "", true},
		{"unef-ii", "EG", true},
		{"UNISFA", "", true},
		{"UNTSO", "", true},
		{"UNMOGIP", "", true},
		{"MINURCAT", "", true},
		{"UNOWAS", "", true},
		{"UNSOS", "SO", true},
		{"UNSYNTH", "", false},
		{"", "", false},
		{"  ", "", false},
	}
	for _, tt := range tests {
		host, ok := exchange.MissionHost(tt.acronym)
		if host != tt.host || ok != tt.ok {
			t.Errorf("MissionHost(%q) = %q, %v; want %q, %v", tt.acronym, host, ok, tt.host, tt.ok)
		}
	}
}

func TestMissionsTable(t *testing.T) {
	sources := map[string]bool{exchange.SourcePKCurrent: true, exchange.SourcePKPast: true,
		exchange.SourceDPPA: true, exchange.SourceDOS: true}
	seen := map[string]bool{}
	for _, m := range exchange.Missions {
		key := strings.ToUpper(strings.ReplaceAll(m.Acronym, " ", ""))
		if seen[key] {
			t.Errorf("%s listed twice", m.Acronym)
		}
		seen[key] = true
		if m.Acronym != strings.TrimSpace(m.Acronym) || m.Acronym != strings.ToUpper(m.Acronym) || m.Name == "" {
			t.Errorf("%+v: acronym must be trimmed and upper case, name given", m)
		}
		if m.Host != "" && gazetteer.CountryName(m.Host) == "" {
			t.Errorf("%s: host %q is not a country the gazetteer knows", m.Acronym, m.Host)
		}
		if !sources[m.Source] {
			t.Errorf("%s: source %q", m.Acronym, m.Source)
		}
	}
}
