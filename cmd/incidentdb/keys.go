package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"incidentdb/models"
	"incidentdb/store"
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
				Action: onOneArg("keys revoke takes one NAME", func(ctx context.Context, s *store.Store, name string) (string, error) {
					return fmt.Sprintf("revoked %q", name), s.RevokeKey(ctx, name)
				}),
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
