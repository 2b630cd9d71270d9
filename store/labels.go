package store

import (
	"cmp"
	"slices"

	"gorm.io/gorm"

	"incidentdb/exchange"
	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// Names are grouped in reports and pickers by their folded key, and shown
// with the label recorded for the key in name_labels: the first spelling
// written (a known mission's acronym), which no later write changes. See
// migration 0009.

// The kinds of name_labels.
const (
	labelMission = "mission"
	labelRegion  = "region"
	labelForce   = "force"
)

type labelKey struct{ kind, key string }

// canonicalLabel is the label a name gets when its key is first written.
func canonicalLabel(kind, name string) string {
	if kind == labelMission || kind == labelForce {
		if acronym, ok := exchange.CanonicalMission(name); ok {
			return acronym
		}
	}
	return name
}

// addLabels collects the names an incident writes into labels.
func addLabels(labels map[labelKey]string, inc *models.Incident) {
	add := func(kind string, name *string) {
		if name == nil {
			return
		}
		k := labelKey{kind, gazetteer.Fold(*name)}
		if _, ok := labels[k]; !ok && k.key != "" {
			labels[k] = canonicalLabel(kind, *name)
		}
	}
	add(labelMission, inc.Mission)
	add(labelRegion, inc.Region)
	for i := range inc.Forces {
		add(labelForce, &inc.Forces[i])
	}
	for _, c := range inc.Casualties {
		add(labelForce, c.Force)
	}
}

// writeLabels records the labels of keys not labelled yet, in a fixed
// order (two writers taking rows in different orders deadlock on
// PostgreSQL).
func writeLabels(tx *gorm.DB, labels map[labelKey]string) error {
	keys := make([]labelKey, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b labelKey) int { return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.key, b.key)) })
	for _, k := range keys {
		if err := tx.Exec("INSERT INTO name_labels (kind, key, label) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO NOTHING",
			k.kind, k.key, labels[k]).Error; err != nil {
			return err
		}
	}
	return nil
}

// labelSQL is the label of a key in SQL: the recorded one, else fallback
// (a spelling from the rows, for keys written before labels were).
func labelSQL(kind, key, fallback string) string {
	return "coalesce((SELECT l.label FROM name_labels l WHERE l.kind = '" + kind + "' AND l.key = " + key + "), " + fallback + ")"
}

// shownName is the name to show for a mission or force label: a known
// mission's acronym whatever spelling the label holds.
func shownName(label string) string {
	if acronym, ok := exchange.CanonicalMission(label); ok {
		return acronym
	}
	return label
}
