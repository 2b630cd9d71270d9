package models

import (
	"slices"
	"strconv"
)

// MergedInput is what survivor becomes when absorbed, a record of the same
// attack, is merged into it: its own fields (gaps filled from absorbed),
// the sources of both, and for every figure the absorbed record gives, that
// figure as a claim beside the survivor's own (which becomes a claim of
// its own source if it had none). A line absorbed has that survivor's
// lack becomes a line of the survivor. Nothing of the absorbed record is
// lost: its figures are claims naming it, its sources are the survivor's.
func MergedInput(survivor, absorbed Incident) IncidentInput {
	in := survivor.ToInput()
	fill := func(dst **string, src *string) {
		if *dst == nil && src != nil {
			v := *src
			*dst = &v
		}
	}
	fill(&in.Mission, absorbed.Mission)
	fill(&in.Country, absorbed.Country)
	fill(&in.Region, absorbed.Region)
	fill(&in.Locality, absorbed.Locality)
	if in.Latitude == nil && in.Longitude == nil && absorbed.Latitude != nil {
		in.Latitude, in.Longitude = absorbed.Latitude, absorbed.Longitude
	}
	in.Forces = union(in.Forces, absorbed.Forces)
	in.ContributingCountries = union(in.ContributingCountries, absorbed.ContributingCountries)

	// The absorbed record's sources join the survivor's, once each.
	at := map[int]int{}
	for i, s := range absorbed.Sources {
		j := slices.IndexFunc(in.Sources, func(x SourceInput) bool { return deref(x.Title) == s.Title && deref(x.URL) == deref(s.URL) })
		if j < 0 {
			title := s.Title
			in.Sources = append(in.Sources, SourceInput{Title: &title, Publisher: s.Publisher, URL: s.URL, PublishedOn: s.PublishedOn, Language: s.Language})
			j = len(in.Sources) - 1
		}
		at[i] = j
	}
	own, theirs := recordOf(survivor, len(survivor.Sources) > 0), recordOf(absorbed, false)
	if theirs.Source == nil && len(absorbed.Sources) > 0 {
		first := at[0]
		theirs = ClaimSourceInput{Source: &first}
	}

	claimed := func(figure string, g *Group, nat *string) bool {
		return slices.ContainsFunc(in.Claims, func(c ClaimInput) bool {
			return deref(c.Figure) == figure && (g == nil) == (c.Group == nil) &&
				(g == nil || Group(deref(c.Group)) == *g && deref(c.Nationality) == deref(nat))
		})
	}
	claim := func(figure string, g *Group, nat *string, src ClaimSourceInput, value *int) ClaimInput {
		f := figure
		c := ClaimInput{Figure: &f, Nationality: nat, Source: &src, Value: value}
		if g != nil {
			s := string(*g)
			c.Group = &s
		}
		return c
	}
	// merge adds what absorbed says of one figure (its claims, or else its
	// figure) beside what the survivor says; false when it says nothing.
	merge := func(figure string, g *Group, nat *string, mine *int, line *Casualty, theirsValue *int) bool {
		var target *Casualty
		if g != nil {
			target = line
		}
		abs := claimsOf(absorbed.Claims, figure, target)
		if len(abs) == 0 && theirsValue == nil {
			return false
		}
		if mine != nil && !claimed(figure, g, nat) {
			in.Claims = append(in.Claims, claim(figure, g, nat, own, mine))
		}
		for _, c := range abs {
			ci := c.input()
			if c.Source.Source != nil {
				j := at[*c.Source.Source]
				ci.Source = &ClaimSourceInput{Source: &j}
			}
			in.Claims = append(in.Claims, ci)
		}
		if len(abs) == 0 {
			in.Claims = append(in.Claims, claim(figure, g, nat, theirs, theirsValue))
		}
		return true
	}
	if merge("killed", nil, nil, survivor.Killed, nil, absorbed.Killed) {
		in.Killed = Figure{}
	}
	if merge("wounded", nil, nil, survivor.Wounded, nil, absorbed.Wounded) {
		in.Wounded = Figure{}
	}
	for _, l := range absorbed.Casualties {
		i := slices.IndexFunc(survivor.Casualties, func(c Casualty) bool { return c.Group == l.Group && deref(c.Nationality) == deref(l.Nationality) })
		g := l.Group
		if i < 0 {
			group := string(l.Group)
			in.Casualties = append(in.Casualties, CasualtyInput{Group: &group, Force: l.Force, Nationality: l.Nationality,
				Killed: FigureOf(l.Killed), Wounded: FigureOf(l.Wounded)})
			i = len(in.Casualties) - 1
			// The new line's figures are the absorbed record's claims.
			if merge("killed", &g, l.Nationality, nil, &l, l.Killed) {
				in.Casualties[i].Killed = Figure{}
			}
			if merge("wounded", &g, l.Nationality, nil, &l, l.Wounded) {
				in.Casualties[i].Wounded = Figure{}
			}
			continue
		}
		mine := survivor.Casualties[i]
		if merge("killed", &g, l.Nationality, mine.Killed, &l, l.Killed) {
			in.Casualties[i].Killed = Figure{}
		}
		if merge("wounded", &g, l.Nationality, mine.Wounded, &l, l.Wounded) {
			in.Casualties[i].Wounded = Figure{}
		}
	}
	return in
}

// recordOf names an incident as the source of a claim: its first source
// when it has one and useSource (the survivor's figures are its sources'),
// its dataset record when it has an external id (an absorbed row of a
// dataset), and otherwise this database's own record of it.
func recordOf(inc Incident, useSource bool) ClaimSourceInput {
	dataset := "incidentdb"
	if inc.Dataset != nil {
		dataset = *inc.Dataset
	}
	switch {
	case useSource:
		first := 0
		return ClaimSourceInput{Source: &first}
	case inc.ExternalID != nil:
		id := *inc.ExternalID
		return ClaimSourceInput{Dataset: &dataset, ExternalID: &id}
	}
	id := "incident-" + strconv.FormatInt(inc.ID, 10)
	return ClaimSourceInput{Dataset: &dataset, ExternalID: &id}
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
