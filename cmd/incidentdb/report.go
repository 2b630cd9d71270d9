package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"incidentdb/exchange"
	"incidentdb/models"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "casualty totals grouped by up to three dimensions",
		Flags: append([]cli.Flag{
			dbFlag(),
			&cli.StringFlag{Name: "group-by", Usage: "comma-separated: " + strings.Join(models.Names(models.Dimensions), ", "), Required: true},
			&cli.StringFlag{Name: "format", Value: "table", Usage: "table, csv or json"},
			&cli.StringFlag{Name: "estimate", Value: "best", Usage: "which figure of claimed figures to sum: best, low or high"},
		}, filterFlags()...),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			q := filterValues(cmd)
			q.Set("estimate", cmd.String("estimate"))
			f, err := models.ParseFilter(q, "estimate")
			if err != nil {
				return err
			}
			q.Set("group_by", cmd.String("group-by"))
			dims, err := models.ParseGroupBy(q)
			if err != nil {
				return err
			}
			format := cmd.String("format")
			if format != "table" && format != "csv" && format != "json" {
				return fmt.Errorf("--format must be table, csv or json, not %q", format)
			}
			s, err := openFiltered(ctx, cmd.String("db"), f)
			if err != nil {
				return err
			}
			defer s.Close()
			rep, err := s.CasualtyReport(ctx, f, dims)
			if err != nil {
				return err
			}
			out := cmd.Root().Writer
			switch format {
			case "csv":
				return exchange.WriteReportCSV(out, rep)
			case "json":
				b, err := json.Marshal(rep)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(out, "%s\n", b)
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
			row := func(cells []string) { fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t") }
			row(exchange.ReportHeader(rep))
			for _, rec := range exchange.ReportRecords(rep) {
				for i, d := range rep.GroupBy {
					switch {
					case rec[i] != "":
					case d == "group":
						// not the group "unknown": the part no line holds
						rec[i] = "(no line)"
					default:
						rec[i] = "(unknown)"
					}
				}
				row(rec)
			}
			total := make([]string, len(rep.GroupBy))
			total[0] = "total"
			row(append(total, exchange.CountCells(rep.Totals)...))
			return tw.Flush()
		},
	}
}
