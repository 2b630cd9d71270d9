package store

import (
	"cmp"
	"context"
	"slices"
	"strings"

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

// CheckNames refuses a filter naming a mission or force that no incident
// has ever named but that is a typo of one that some incident has: an
// empty answer would mislead ("mission=MINUSAM" finds nothing, MINUSMA a
// great deal). The error names the closest known names.
func (s *Store) CheckNames(ctx context.Context, f models.Filter) error {
	var fe models.FieldErrors
	for _, c := range []struct {
		kind, field string
		keys        []string
	}{{labelMission, "mission", f.Missions}, {labelForce, "force", f.Forces}} {
		if len(c.keys) == 0 {
			continue
		}
		var known []string
		if err := s.r.WithContext(ctx).Raw("SELECT key FROM name_labels WHERE kind = ? AND key IN ?", c.kind, c.keys).Scan(&known).Error; err != nil {
			return internal("check names", err)
		}
		for _, k := range c.keys {
			if slices.Contains(known, k) {
				continue
			}
			var labels []string
			if err := s.r.WithContext(ctx).Raw("SELECT label FROM name_labels WHERE kind = ?", c.kind).Scan(&labels).Error; err != nil {
				return internal("check names", err)
			}
			for i := range labels {
				labels[i] = shownName(labels[i])
			}
			if near := gazetteer.Closest(k, labels, 2, 3); len(near) > 0 {
				as := k
				if t, ok := f.Typed[k]; ok {
					as = t
				}
				fe.Add(c.field, "%q is not a %s of any incident; did you mean %s?", as, c.field, strings.Join(near, ", "))
			}
		}
	}
	return models.AsMalformed(fe.Err("the query is not valid"))
}
