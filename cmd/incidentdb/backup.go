package main

import (
	"context"
	"fmt"
	"incidentdb/store"

	"github.com/urfave/cli/v3"
)

func backupCommand() *cli.Command {
	return &cli.Command{
		Name:      "backup",
		Usage:     "write a consistent copy of the database, also while the server runs",
		ArgsUsage: "OUT",
		Flags:     []cli.Flag{dbFlag()},
		Action: onOneArg("backup takes one OUT file", func(ctx context.Context, s *store.Store, out string) (string, error) {
			return fmt.Sprintf("backed up to %s", out), s.Backup(ctx, out)
		}),
	}
}
