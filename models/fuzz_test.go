package models_test

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"incidentdb/models"
)

var fixedNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// FuzzParseFilter: any query string either fails with a Malformed error or
// yields a filter that survives a round trip through its canonical form.
func FuzzParseFilter(f *testing.F) {
	for _, seed := range []string{
		"", "region=menaka", "region=ML-9&country=ML", "type=ied,ambush&from=2017-01-01&to=2017-12-31",
		"q=caf%C3%A9+convoi", "min_killed=3&min_wounded=0", "force=FAMa&force=MINUSMA", "regoin=x",
		"nationality=Niger&group=peacekeeper", "contributing_country=BF", "from=2017-02-30", "q=",
		"sort=-killed&limit=7&cursor=LWtpbGxlZHw0fDE", "limit=1001", "%zz",
		"dataset=acled,UN-Fatalities&external_id=a,b&external_id=MLI1", "external_id=a%00b", "from=2019&to=2019-02", "from=0000", "country=ZZ",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		filter, err := models.ParseFilter(v, models.ListParams...)
		if err != nil {
			if models.ErrorCode(err) != models.Malformed {
				t.Fatalf("error code %q for %q", models.ErrorCode(err), raw)
			}
			return
		}
		if _, err := models.ParsePage(v); err != nil && models.ErrorCode(err) != models.Malformed {
			t.Fatalf("page error code %q", models.ErrorCode(err))
		}
		again, err := models.ParseFilter(canonical(filter), "deleted", "updated_since")
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canonical(filter).Encode(), raw, err)
		}
		// How a name was typed is for messages, not for what is selected.
		filter.Typed, again.Typed = nil, nil
		if !reflect.DeepEqual(filter, again) {
			t.Fatalf("round trip of %q:\n%+v\n%+v", raw, filter, again)
		}
	})
}

// FuzzDecodeIncident: any body is either refused with a client error or
// yields an incident whose own input form normalizes back to itself.
func FuzzDecodeIncident(f *testing.F) {
	for _, seed := range []string{
		`{"occurred_on":"2017-11-24","type":"ied","region":"Ménaka","country":"Mali"}`,
		`{"occurred_on":"2017-11-24","type":"armed_attack","killed":4,"casualties":[{"group":"peacekeeper","nationality":"NE","killed":3}]}`,
		`{"occurred_on":"2017-11-24","type":"ied","latitude":15.9,"longitude":2.4,"forces":["A","a"," b "]}`,
		`{"killed":-1}`, `[]`, `{`, `{"x":1}`, `null`, `{"occurred_on":"2017-02-30"}`,
		`{"occurred_on":"2019-01-20","type":"ied","killed":null,"wounded":2,"dataset":"acled","casualties":[{"group":"civilian","killed":null,"wounded":2}]}`,
		`{"occurred_on":"2019-01-20","type":"ied","casualties":[{"group":"peacekeeper","killed":1e3,"wounded":"1"}]}`,
		`{"occurred_on":"2017-11-24","type":"ied","sources":[{"title":"x"}],"claims":[{"figure":"killed","source":{"source":0}}]}`,
		`{"occurred_on":"2017-11-24","type":"ied","sources":[{"title":"x"}],"casualties":[{"group":"peacekeeper","nationality":"NE","killed":3}],
		  "claims":[{"figure":"killed","group":"peacekeeper","nationality":"NE","source":{"source":0},"value":3},
		  {"figure":"killed","group":"peacekeeper","nationality":"NE","source":{"dataset":"un-fatalities","external_id":"x"},"low":2,"high":5,"qualifier":"approximate"},
		  {"figure":"wounded","source":{"source":0},"value":7,"qualifier":"at_least","rank":"preferred"}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := models.DecodeIncidentInput(body)
		if err != nil {
			if c := models.ErrorCode(err); c != models.Malformed && c != models.Invalid {
				t.Fatalf("decode error code %q", c)
			}
			return
		}
		inc, err := in.Normalize(fixedNow)
		if err != nil {
			if models.ErrorCode(err) != models.Invalid {
				t.Fatalf("normalize error code %q", models.ErrorCode(err))
			}
			return
		}
		again, err := inc.ToInput().Normalize(fixedNow)
		if err != nil {
			t.Fatalf("a normalized incident does not normalize again: %v", err)
		}
		if !reflect.DeepEqual(inc, again) {
			t.Fatalf("normalize is not idempotent:\n%+v\n%+v", inc, again)
		}
	})
}

// canonical renders f back into query parameters, for the round trip the
// fuzz target checks.
func canonical(f models.Filter) url.Values {
	v := url.Values{}
	set := func(name string, items []string) {
		if len(items) > 0 {
			v.Set(name, strings.Join(items, ","))
		}
	}
	var regions []string
	for _, r := range f.Regions {
		if r.Code != "" {
			regions = append(regions, r.Code)
		} else {
			regions = append(regions, r.Key)
		}
	}
	set("region", regions)
	set("country", f.Countries)
	set("mission", f.Missions)
	set("type", models.Names(f.Types))
	set("force", f.Forces)
	set("contributing_country", f.ContributingCountries)
	set("nationality", f.Nationalities)
	set("group", models.Names(f.Groups))
	set("dataset", f.Datasets)
	for _, id := range f.ExternalIDs {
		v.Add("external_id", id) // one id a value: ids may hold commas
	}
	if f.From != nil {
		v.Set("from", *f.From)
	}
	if f.To != nil {
		v.Set("to", *f.To)
	}
	if f.MinKilled != nil {
		v.Set("min_killed", strconv.Itoa(*f.MinKilled))
	}
	if f.MinWounded != nil {
		v.Set("min_wounded", strconv.Itoa(*f.MinWounded))
	}
	if len(f.Words) > 0 {
		v.Set("q", strings.Join(f.Words, " "))
	}
	if f.Deleted {
		v.Set("deleted", "true")
	}
	if f.UpdatedSince != nil {
		v.Set("updated_since", *f.UpdatedSince)
	}
	return v
}
