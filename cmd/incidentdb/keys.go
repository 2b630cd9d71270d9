package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"incidentdb/models"
)

func keysCommand() *cli.Command {
	return &cli.Command{
		Name:  "keys",
		Usage: "create, list and revoke API keys",
		Commands: []*cli.Command{
			{
				Name:  "create",
				Usage: "make a key and print it once on stdout (only its hash is stored)",
				Flags: []cli.Flag{
					dbFlag(),
					&cli.StringFlag{Name: "role", Usage: "reader, editor or admin", Required: true},
					&cli.StringFlag{Name: "name", Usage: "who holds the key; recorded in the history of what they change", Required: true},
				},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					s, err := openStore(ctx, cmd)
					if err != nil {
						return err
					}
					defer s.Close()
					key, err := s.CreateKey(ctx, cmd.String("name"), models.Role(cmd.String("role")))
					if err != nil {
						return err
					}
					fmt.Fprintln(cmd.Root().Writer, key)
					fmt.Fprintf(cmd.Root().ErrWriter, "created %s key %q; it is shown only this once\n", cmd.String("role"), cmd.String("name"))
					return nil
				},
			},
			{
				Name:  "list",
				Usage: "list key names and roles (never the keys)",
				Flags: []cli.Flag{dbFlag()},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					s, err := openExisting(ctx, cmd.String("db"))
					if err != nil {
						return err
					}
					defer s.Close()
					keys, err := s.ListKeys(ctx)
					if err != nil {
						return err
					}
					tw := tabwriter.NewWriter(cmd.Root().Writer, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tLAST USED\tREVOKED")
					for _, k := range keys {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.Name, k.Role, k.CreatedAt, orDash(k.LastUsedAt), orDash(k.RevokedAt))
					}
					return tw.Flush()
				},
			},
			{
				Name:      "revoke",
				Usage:     "end the live key called NAME at once",
				ArgsUsage: "NAME",
				Flags:     []cli.Flag{dbFlag()},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					if cmd.Args().Len() != 1 {
						return fmt.Errorf("keys revoke takes one NAME")
					}
					s, err := openExisting(ctx, cmd.String("db"))
					if err != nil {
						return err
					}
					defer s.Close()
					if err := s.RevokeKey(ctx, cmd.Args().First()); err != nil {
						return err
					}
					fmt.Fprintf(cmd.Root().ErrWriter, "revoked %q\n", cmd.Args().First())
					return nil
				},
			},
		},
	}
}

func orDash(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}
