package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"incidentdb/extract"
	"incidentdb/models"
)

func extractCommand() *cli.Command {
	return &cli.Command{
		Name:      "extract",
		Usage:     "draft incidents from a UN statement or press release (English or French), as JSON; nothing is stored",
		ArgsUsage: "FILE (or - for standard input)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "language", Usage: "en or fr (read from the text when not given)"},
			&cli.StringFlag{Name: "published-on", Usage: "the statement's date, YYYY-MM-DD, when its text has no dateline"},
			&cli.StringFlag{Name: "url", Usage: "where the statement was published, recorded as the drafts' source"},
			&cli.StringFlag{Name: "title", Usage: "the statement's title, recorded as the drafts' source"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return fmt.Errorf("extract takes one FILE, or - for standard input")
			}
			var in io.Reader = os.Stdin
			if name := cmd.Args().First(); name != "-" {
				f, err := os.Open(name)
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			text, err := io.ReadAll(in)
			if err != nil {
				return err
			}
			lang := cmd.String("language")
			if lang != "" && lang != "en" && lang != "fr" {
				return fmt.Errorf("--language must be en or fr, not %q", lang)
			}
			if p := cmd.String("published-on"); p != "" {
				if _, err := time.Parse(models.DateLayout, p); err != nil {
					return fmt.Errorf("--published-on must be YYYY-MM-DD, not %q", p)
				}
			}
			if strings.TrimSpace(string(text)) == "" {
				return fmt.Errorf("the statement is empty")
			}
			res := extract.Extract(extract.Statement{Text: string(text), Language: lang, PublishedOn: cmd.String("published-on"),
				URL: cmd.String("url"), Title: cmd.String("title")}, time.Now().UTC())
			enc := json.NewEncoder(cmd.Root().Writer)
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		},
	}
}
