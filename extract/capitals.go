package extract

import (
	"strings"
	"sync"
	"unicode"

	"incidentdb/models/gazetteer"
)

// The gazetteer knows the towns of Mali; elsewhere it knows each region's
// capital. A statement on Bangassou or Ndélé names the capital of its
// region, so the capitals stand in for the towns there.

var capitalIndexes sync.Map // country → map[folded capital]region

func capitalIndex(country string) map[string]string {
	if v, ok := capitalIndexes.Load(country); ok {
		return v.(map[string]string)
	}
	idx := map[string]string{}
	for _, r := range gazetteer.Regions(country) {
		if c, ok := gazetteer.CapitalOf(country, r.Name); ok {
			idx[fold(c.Name)] = r.Name
		}
	}
	capitalIndexes.Store(country, idx)
	return idx
}

// capitalIn finds a region's capital named in a sentence, by capitalised
// runs of one to three words.
func capitalIn(country, sentence string) (region string, at span, ok bool) {
	if country == "" || country == "ML" {
		return "", span{}, false
	}
	idx := capitalIndex(country)
	type word struct{ start, end int }
	var words []word
	start := -1
	for i, r := range sentence + " " {
		isWord := unicode.IsLetter(r) || r == '-' || r == '\''
		switch {
		case isWord && start < 0:
			start = i
		case !isWord && start >= 0:
			words = append(words, word{start, i})
			start = -1
		}
	}
	for i, w := range words {
		first := []rune(sentence[w.start:w.end])[0]
		if !unicode.IsUpper(first) {
			continue
		}
		for n := min(3, len(words)-i); n >= 1; n-- {
			name := sentence[w.start:words[i+n-1].end]
			if region, ok := idx[fold(strings.TrimSpace(name))]; ok {
				return region, span{w.start, words[i+n-1].end}, true
			}
		}
	}
	return "", span{}, false
}
