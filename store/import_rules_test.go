package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"incidentdb/exchange"
	"incidentdb/models"
	"incidentdb/store"
)

func importNDJSON(tb testing.TB, s *store.Store, body string, opts models.ImportOptions) (models.ImportResult, error) {
	tb.Helper()
	r, err := exchange.NewReader("ndjson", strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	return s.Import(context.Background(), "tester", r, opts)
}

func ndjsonRecord(ext, summary string) string {
	return fmt.Sprintf(`{"external_id":%q,"occurred_on":"2017-11-24","type":"armed_attack","country":"ML","region":"Mopti","summary":%q,"killed":1}`, ext, summary)
}

// A dry run reads on a reader connection and writes nothing, so it decides
// each record by reading: its counts and errors must be what the import
// itself answers for the same file, in every on_conflict mode.
func TestDryRunCountsWhatTheImportDoes(t *testing.T) {
	files := map[string][]string{
		"new and taken": {ndjsonRecord("a", "first"), ndjsonRecord("stored", "changed"), ndjsonRecord("b", "second")},
		"unchanged":     {ndjsonRecord("stored", "as stored")},
		"twice in file": {ndjsonRecord("c", "one"), ndjsonRecord("c", "two"), ndjsonRecord("c", "two")},
		"deleted":       {ndjsonRecord("gone", "back again")},
		"no external":   {`{"occurred_on":"2017-11-24","type":"ied","killed":2}`},
		"a bad row":     {ndjsonRecord("d", "fine"), `{"occurred_on":"2017-13-40","type":"ied"}`, ndjsonRecord("stored", "x")},
	}
	for name, lines := range files {
		for _, mode := range []string{"fail", "skip", "update"} {
			for _, restore := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/restore=%v", name, mode, restore), func(t *testing.T) {
					s := mustOpen(t)
					setup := ndjsonRecord("stored", "as stored") + "\n" + ndjsonRecord("gone", "deleted later") + "\n"
					// Stored from another format: an update keeps the origin,
					// so a record equal but for it is unchanged.
					if _, err := importNDJSON(t, s, setup, models.ImportOptions{Origin: "csv"}); err != nil {
						t.Fatal(err)
					}
					gone := findExternal(t, s, "gone")
					if err := s.DeleteIncident(context.Background(), "tester", gone, nil); err != nil {
						t.Fatal(err)
					}
					body := strings.Join(lines, "\n") + "\n"
					before := exportAll(t, s)
					dry, dryErr := importNDJSON(t, s, body, models.ImportOptions{OnConflict: mode, DryRun: true, Restore: restore, Origin: "ndjson"})
					if after := exportAll(t, s); after != before {
						t.Fatalf("the dry run changed the data")
					}
					real, realErr := importNDJSON(t, s, body, models.ImportOptions{OnConflict: mode, Restore: restore, Origin: "ndjson"})
					if !dry.DryRun || real.DryRun {
						t.Fatalf("dry_run flags %v and %v", dry.DryRun, real.DryRun)
					}
					dry.DryRun = false
					ignoreMessages := cmp.Transformer("LineAndField", func(e models.RowError) string { return fmt.Sprint(e.Line, e.Field) })
					if d := cmp.Diff(real, dry, ignoreMessages); d != "" {
						t.Errorf("dry run differs from the import (-import +dry run):\n%s", d)
					}
					if models.ErrorCode(dryErr) != models.ErrorCode(realErr) {
						t.Errorf("dry run error %v, import error %v", dryErr, realErr)
					}
				})
			}
		}
	}
}

// Restoring is admin-only, so an import without Restore must not bring a
// deleted incident back through on_conflict=update.
func TestImportCannotRestoreWithoutTheRole(t *testing.T) {
	s := mustOpen(t)
	if _, err := importNDJSON(t, s, ndjsonRecord("gone", "original")+"\n", models.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	id := findExternal(t, s, "gone")
	if err := s.DeleteIncident(context.Background(), "editor", id, nil); err != nil {
		t.Fatal(err)
	}
	res, err := importNDJSON(t, s, ndjsonRecord("gone", "brought back")+"\n", models.ImportOptions{OnConflict: "update"})
	if models.ErrorCode(err) != models.Invalid || res.Failed != 1 || len(res.Errors) != 1 || res.Errors[0].Field != "external_id" ||
		!strings.Contains(res.Errors[0].Message, "admin") {
		t.Fatalf("import over a deleted incident without the role: %+v, %v", res, err)
	}
	if _, err := s.GetIncident(context.Background(), id); models.ErrorCode(err) != models.NotFound {
		t.Fatalf("the incident is live again: %v", err)
	}
	res, err = importNDJSON(t, s, ndjsonRecord("gone", "brought back")+"\n", models.ImportOptions{OnConflict: "update", Restore: true})
	if err != nil || res.Updated != 1 {
		t.Fatalf("import with the role: %+v, %v", res, err)
	}
	inc, err := s.GetIncident(context.Background(), id)
	if err != nil || inc.Summary != "brought back" {
		t.Fatalf("after the import with the role: %+v, %v", inc, err)
	}
}

func findExternal(tb testing.TB, s *store.Store, ext string) int64 {
	tb.Helper()
	var id int64
	for _, deleted := range []bool{false, true} {
		err := s.Each(context.Background(), models.Filter{Deleted: deleted}, func(inc *models.Incident) error {
			if inc.ExternalID != nil && *inc.ExternalID == ext {
				id = inc.ID
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if id == 0 {
		tb.Fatalf("no incident has external_id %q", ext)
	}
	return id
}

// exportAll is every incident, live and deleted, as NDJSON.
func exportAll(tb testing.TB, s *store.Store) string {
	tb.Helper()
	var b strings.Builder
	w := exchange.NewNDJSONWriter(&b)
	for _, deleted := range []bool{false, true} {
		if err := s.Each(context.Background(), models.Filter{Deleted: deleted}, w.Write); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}
