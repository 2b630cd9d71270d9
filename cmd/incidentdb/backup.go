package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v3"
)

func backupCommand() *cli.Command {
	return &cli.Command{
		Name:      "backup",
		Usage:     "write a consistent copy of the database, also while the server runs",
		ArgsUsage: "OUT",
		Flags:     []cli.Flag{dbFlag()},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return errors.New("backup takes one OUT file")
			}
			s, err := openExisting(ctx, cmd.String("db"))
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.Backup(ctx, cmd.Args().First()); err != nil {
				return err
			}
			fmt.Fprintf(cmd.Root().ErrWriter, "backed up %s to %s\n", cmd.String("db"), cmd.Args().First())
			return nil
		},
	}
}
