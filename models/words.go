package models

import (
	"strings"
	"unicode"

	"incidentdb/models/gazetteer"
)

// Words splits text into the folded words that q matches against, so that
// the indexer and the query agree on what a word is. Single letters and
// the commonest English and French words are left out: they match nearly
// every incident, and they are a third of the index.
func Words(text string) []string {
	folded := gazetteer.Fold(text)
	fields := strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var out []string
	for _, w := range fields {
		if len(w) < 2 || stopWords[w] {
			continue
		}
		out = appendNew(out, w)
	}
	return out
}

var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the an of in on at to and or by with for from was were is are be been has have had
		it its as this that which who near after during into
		le la les de des du un une et ou au aux en dans sur par pour pres contre qui que est sont ete a ont avec lors`) {
		stopWords[w] = true
	}
}
