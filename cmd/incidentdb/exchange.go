package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v3"

	"incidentdb/exchange"
	"incidentdb/models"
	"incidentdb/models/synth"
)

func importCommand() *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "import incidents from a file, all or nothing",
		ArgsUsage: "FILE (or - for standard input)",
		Flags: []cli.Flag{
			dbFlag(),
			&cli.StringFlag{Name: "format", Usage: "csv, ndjson, json, acled or un-fatalities (default: from the file name)"},
			&cli.StringFlag{Name: "on-conflict", Value: "fail", Usage: "what to do with an external_id that is stored already: fail, skip or update"},
			&cli.BoolFlag{Name: "dry-run", Usage: "check every record and report, store nothing"},
			&cli.BoolFlag{Name: "link", Usage: "merge each new record into the stored incident that clearly records the same attack"},
			&cli.StringFlag{Name: "dataset", Usage: "label for the records that carry none (default: acled or un-fatalities for those formats)"},
			&cli.StringFlag{Name: "actor", Value: "cli-import", Usage: "name recorded in the history of what is imported"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return errors.New("import takes one FILE")
			}
			path := cmd.Args().First()
			format := cmd.String("format")
			if format == "" {
				format = formatFromName(path)
			}
			var in io.Reader = os.Stdin
			var size int64 = -1
			if path != "-" {
				f, err := os.Open(path)
				if err != nil {
					return err
				}
				defer f.Close()
				if st, err := f.Stat(); err == nil {
					size = st.Size()
				}
				in = f
			}
			bar := newBar(cmd, size, "importing")
			if bar != nil {
				in = io.TeeReader(in, bar)
			}
			r, err := exchange.NewReader(format, in)
			if err != nil {
				return err
			}
			origin, dataset, err := exchange.Provenance(format, cmd.String("dataset"), "--dataset")
			if err != nil {
				return err
			}
			s, err := openStore(ctx, cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			start := time.Now()
			res, err := s.Import(ctx, cmd.String("actor"), r, models.ImportOptions{
				OnConflict: cmd.String("on-conflict"), DryRun: cmd.Bool("dry-run"), Origin: origin, Dataset: dataset, Link: cmd.Bool("link"),
				// Whoever can run the command holds the database file: no role
				// is narrower than that.
				Restore: true, FirstLoad: true})
			if bar != nil {
				bar.Finish()
				fmt.Fprintln(cmd.Root().ErrWriter)
			}
			errOut := cmd.Root().ErrWriter
			for _, e := range res.Errors {
				fmt.Fprintf(errOut, "%s:%d: %s: %s\n", path, e.Line, e.Field, e.Message)
			}
			if err != nil {
				return err
			}
			verb := "imported"
			if res.DryRun {
				verb = "checked (dry run, nothing stored)"
			}
			fmt.Fprintf(errOut, "%s %d records in %s: %d created, %d updated, %d unchanged, %d skipped\n",
				verb, res.Read, time.Since(start).Round(time.Millisecond), res.Created, res.Updated, res.Unchanged, res.Skipped)
			if cmd.Bool("link") {
				for _, l := range res.Linked {
					fmt.Fprintf(errOut, "linked: incident %d merged into %d (score %.2f)\n", l.Incident, l.Into, l.Score)
				}
				for i, a := range res.Ambiguous {
					if i == maxListed {
						fmt.Fprintf(errOut, "... and %d more not linked (the API's answer lists them all)\n", len(res.Ambiguous)-i)
						break
					}
					ids := make([]string, len(a.Candidates))
					for i, c := range a.Candidates {
						ids[i] = strconv.FormatInt(c.ID, 10)
					}
					fmt.Fprintf(errOut, "not linked: incident %d, candidates %s: %s\n", a.Incident, strings.Join(ids, ", "), a.Reason)
				}
				fmt.Fprintf(errOut, "%d linked, %d left for an editor\n", len(res.Linked), len(res.Ambiguous))
			}
			return nil
		},
	}
}

// maxListed bounds the records a linking import lists on the terminal.
const maxListed = 50

func formatFromName(path string) string {
	switch {
	case strings.HasSuffix(path, ".ndjson"), strings.HasSuffix(path, ".jsonl"):
		return "ndjson"
	case strings.HasSuffix(path, ".json"):
		return "json"
	}
	return "csv"
}

// newBar shows progress on a terminal and stays silent in a pipe or a log.
func newBar(cmd *cli.Command, size int64, what string) *progressbar.ProgressBar {
	f, ok := cmd.Root().ErrWriter.(*os.File)
	if !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions64(size, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
}

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "write the incidents matching the filters to standard output",
		Flags: append([]cli.Flag{
			dbFlag(),
			&cli.StringFlag{Name: "format", Value: "csv", Usage: "csv, casualties-csv, claims-csv, ndjson or geojson"},
			&cli.BoolFlag{Name: "hxl", Usage: "add the HXL hashtag row under the CSV header"},
			&cli.BoolFlag{Name: "bom", Usage: "start the CSV with a UTF-8 byte-order mark, for Excel"},
		}, filterFlags()...),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			f, err := models.ParseFilter(filterValues(cmd))
			if err != nil {
				return err
			}
			out := cmd.Root().Writer
			opts := exchange.CSVOptions{HXL: cmd.Bool("hxl"), BOM: cmd.Bool("bom")}
			var write func(*models.Incident) error
			var writeRow func(*exchange.StoredRow) error
			var finish func() error
			switch cmd.String("format") {
			case "csv":
				w, err := exchange.NewCSVWriter(out, opts)
				if err != nil {
					return err
				}
				writeRow, finish = w.WriteStored, w.Flush
			case "casualties-csv":
				w, err := exchange.NewCasualtyCSVWriter(out, opts)
				if err != nil {
					return err
				}
				write, finish = w.WriteCasualties, w.Flush
			case "claims-csv":
				w, err := exchange.NewClaimCSVWriter(out, opts)
				if err != nil {
					return err
				}
				write, finish = w.WriteClaims, w.Flush
			case "ndjson":
				w := exchange.NewNDJSONWriter(out)
				write, finish = w.Write, w.Flush
			case "geojson":
				w, err := exchange.NewGeoJSONWriter(out)
				if err != nil {
					return err
				}
				write, finish = w.Write, w.Close
			default:
				return fmt.Errorf("--format must be csv, casualties-csv, claims-csv, ndjson or geojson, not %q", cmd.String("format"))
			}
			s, err := openFiltered(ctx, cmd.String("db"), f)
			if err != nil {
				return err
			}
			defer s.Close()
			if writeRow != nil {
				err = s.EachStored(ctx, f, writeRow)
			} else {
				err = s.Each(ctx, f, write)
			}
			if err != nil {
				return err
			}
			return finish()
		},
	}
}

func genCommand() *cli.Command {
	return &cli.Command{
		Name:  "gen",
		Usage: "write N deterministic synthetic incidents (for benchmarks and tests) in an import format",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "n", Value: 1000, Usage: "how many incidents"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "the same seed gives byte-identical output"},
			&cli.StringFlag{Name: "format", Value: "csv", Usage: "csv or ndjson"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			n := cmd.Int("n")
			if n < 0 {
				return errors.New("--n must not be negative")
			}
			g := synth.New(cmd.Uint64("seed"))
			out := cmd.Root().Writer
			switch cmd.String("format") {
			case "ndjson":
				buf := bufio.NewWriterSize(out, 64<<10)
				enc := json.NewEncoder(buf)
				enc.SetEscapeHTML(false)
				for range n {
					if err := enc.Encode(g.Next()); err != nil {
						return err
					}
				}
				return buf.Flush()
			case "csv":
				return genCSV(out, g, n)
			}
			return fmt.Errorf("--format must be csv or ndjson, not %q", cmd.String("format"))
		},
	}
}

// genCSV writes the incidents as our CSV without the columns a database
// assigns. Each is normalized first, so the file holds the totals and
// lists that import would derive from the JSON form: the two formats load
// the same data.
func genCSV(out io.Writer, g *synth.Generator, n int) error {
	w, err := exchange.NewCSVWriter(out, exchange.CSVOptions{DataOnly: true})
	if err != nil {
		return err
	}
	now := time.Now()
	for range n {
		inc, err := g.Next().Normalize(now)
		if err != nil {
			return err
		}
		if err := w.Write(&inc); err != nil {
			return err
		}
	}
	return w.Flush()
}
