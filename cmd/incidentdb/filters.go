package main

import (
	"net/url"

	"github.com/urfave/cli/v3"

	"incidentdb/models"
)

// filterFlags are the list filters of the HTTP API as flags, so the CLI
// selects incidents by exactly the same rules (they go through the same
// models.ParseFilter).
func filterFlags() []cli.Flag {
	usage := map[string]string{
		"region": "first-level region (name, alias or ISO 3166-2 code)", "country": "host country (code or name)",
		"mission": "mission acronym", "type": "incident type", "force": "force involved",
		"contributing_country": "contributing country", "nationality": "casualty nationality",
		"group": "casualty group", "from": "first day, YYYY-MM-DD", "to": "last day, YYYY-MM-DD",
		"min_killed": "at least this many killed", "min_wounded": "at least this many wounded",
		"q": "words in summary and locality",
	}
	flags := make([]cli.Flag, 0, len(models.FilterParams))
	for _, name := range models.FilterParams {
		flags = append(flags, &cli.StringSliceFlag{Name: flagName(name), Usage: usage[name] + " (comma-separated or repeated)"})
	}
	return flags
}

func flagName(param string) string {
	out := []byte(param)
	for i, c := range out {
		if c == '_' {
			out[i] = '-'
		}
	}
	return string(out)
}

func filterValues(cmd *cli.Command) url.Values {
	v := url.Values{}
	for _, name := range models.FilterParams {
		if cmd.IsSet(flagName(name)) {
			v[name] = cmd.StringSlice(flagName(name))
		}
	}
	return v
}
