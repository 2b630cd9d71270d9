package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"

	"incidentdb/store"
)

func migrateCommand() *cli.Command {
	return &cli.Command{
		Name:  "migrate-db",
		Usage: "copy a whole database, history and keys included, to a new one on either engine",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "from", Usage: "source: a SQLite file or postgres://...", Required: true},
			&cli.StringFlag{Name: "to", Usage: "target, new or empty: a SQLite file or postgres://...", Required: true},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			src, err := openExisting(ctx, cmd.String("from"))
			if err != nil {
				return err
			}
			defer src.Close()
			dst, err := store.Open(ctx, cmd.String("to"))
			if err != nil {
				return err
			}
			defer dst.Close()
			errOut := cmd.Root().ErrWriter
			return src.CopyTo(ctx, dst, func(table string, rows int64) {
				fmt.Fprintf(errOut, "%-20s %d rows\n", table, rows)
			})
		},
	}
}
