package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"incidentdb/store/storetest"
)

func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"incidentdb"}, args...), &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestKeysCreatePrintsOnlyTheKeyAndListNeverShowsIt(t *testing.T) {
	db := storetest.DSN(t)
	out, _, code := runCLI(t, "keys", "create", "--db", db, "--role", "editor", "--name", "me")
	if code != 0 || !regexp.MustCompile(`^idb_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
		t.Fatalf("keys create: exit %d, stdout %q", code, out)
	}
	key := strings.TrimSpace(out)
	list, _, code := runCLI(t, "keys", "list", "--db", db)
	if code != 0 || !strings.Contains(list, "me") || !strings.Contains(list, "editor") || strings.Contains(list, key[4:]) {
		t.Fatalf("keys list: exit %d\n%s", code, list)
	}
	if _, errOut, code := runCLI(t, "keys", "create", "--db", db, "--role", "boss", "--name", "x"); code == 0 || !strings.Contains(errOut, "role") {
		t.Errorf("bad role: exit %d, %q", code, errOut)
	}
	if _, _, code := runCLI(t, "keys", "revoke", "--db", db, "me"); code != 0 {
		t.Errorf("revoke: exit %d", code)
	}
	if _, _, code := runCLI(t, "keys", "revoke", "--db", db, "me"); code == 0 {
		t.Errorf("second revoke succeeded")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServeLoadsSeedOnceAndStopsCleanly(t *testing.T) {
	db := storetest.DSN(t)
	for round := range 2 {
		addr := freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		var stderr bytes.Buffer
		go func() {
			done <- run(ctx, []string{"incidentdb", "serve", "--addr", addr, "--db", db, "--seed", "../../testdata/seed_incidents.json"}, &bytes.Buffer{}, &stderr)
		}()
		var res *http.Response
		var err error
		for range 100 {
			if res, err = http.Get("http://" + addr + "/api/v1/incidents"); err == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("round %d: server did not come up: %v\n%s", round, err, stderr.String())
		}
		var list struct{ Total int }
		err = json.NewDecoder(res.Body).Decode(&list)
		res.Body.Close()
		if err != nil || list.Total != 2 {
			t.Fatalf("round %d: total %d, err %v; want the 2 seed incidents", round, list.Total, err)
		}
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("round %d: exit %d\n%s", round, code, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("server did not stop")
		}
	}
}

func TestGenImportExportBackup(t *testing.T) {
	storetest.SkipOnPostgres(t, "backup copies SQLite files")
	dir := t.TempDir()
	gen1, _, code := runCLI(t, "gen", "--n", "300", "--seed", "5")
	gen2, _, _ := runCLI(t, "gen", "--n", "300", "--seed", "5")
	if code != 0 || gen1 != gen2 || strings.Count(gen1, "\n") < 301 {
		t.Fatalf("gen is not deterministic or short: exit %d, %d lines", code, strings.Count(gen1, "\n"))
	}
	file := filepath.Join(dir, "g.csv")
	if err := os.WriteFile(file, []byte(gen1), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "a.db")
	if _, errOut, code := runCLI(t, "import", "--db", db, file); code != 0 || !strings.Contains(errOut, "300 created") {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "import", "--db", db, file); code == 0 || !strings.Contains(errOut, "is held by incident") {
		t.Errorf("re-import with on-conflict fail: exit %d: %.300s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "import", "--db", db, "--on-conflict", "skip", file); code != 0 || !strings.Contains(errOut, "300 skipped") {
		t.Errorf("re-import with skip: exit %d: %s", code, errOut)
	}
	backup := filepath.Join(dir, "b.db")
	if _, errOut, code := runCLI(t, "backup", "--db", db, backup); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	if _, _, code := runCLI(t, "backup", "--db", db, backup); code == 0 {
		t.Error("backup overwrote an existing file")
	}
	a, _, _ := runCLI(t, "export", "--db", db, "--region", "mopti")
	b, _, _ := runCLI(t, "export", "--db", backup, "--region", "mopti")
	if a != b || strings.Count(a, "\n") < 10 {
		t.Errorf("backup differs from the original (%d vs %d bytes)", len(a), len(b))
	}
	rep, _, code := runCLI(t, "report", "--db", backup, "--group-by", "year", "--format", "json")
	if code != 0 || !strings.Contains(rep, `"totals":{"incidents":300`) {
		t.Errorf("report on the backup: %s", rep)
	}
}

func TestReadingCommandsRefuseAMissingDatabase(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo.db")
	for _, args := range [][]string{
		{"export", "--db", missing}, {"report", "--db", missing, "--group-by", "year"},
		{"backup", "--db", missing, missing + ".bak"}, {"keys", "list", "--db", missing},
		{"migrate-db", "--from", missing, "--to", missing + ".copy"},
	} {
		if _, errOut, code := runCLI(t, args...); code == 0 || !strings.Contains(errOut, "no database at") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Fatalf("%v created the database", args)
		}
	}
}

// An import records its format as the origin and labels its records with
// --dataset (or the format's own dataset); a bad label stores nothing.
func TestImportLabelsItsDataset(t *testing.T) {
	storetest.SkipOnPostgres(t, "the command line opens SQLite files here")
	db := filepath.Join(t.TempDir(), "d.db")
	fixture := filepath.Join("..", "..", "testdata", "un_fatalities_historical_synthetic.csv")
	if _, errOut, code := runCLI(t, "import", "--db", db, "--format", "un-fatalities", "--dataset", "No Spaces", fixture); code == 0 || !strings.Contains(errOut, "--dataset") {
		t.Errorf("a bad label: exit %d: %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "import", "--db", db, "--format", "un-fatalities", "--dataset", "UN-2024", fixture); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	out, _, code := runCLI(t, "export", "--db", db, "--format", "ndjson", "--dataset", "un-2024")
	n := strings.Count(out, "\n")
	if code != 0 || n == 0 || strings.Count(out, `"dataset":"un-2024","origin":"un-fatalities"`) != n || strings.Count(out, `"wounded":null`) < n {
		t.Errorf("export of dataset un-2024 (exit %d, %d incidents):\n%.600s", code, n, out)
	}
	table, _, code := runCLI(t, "report", "--db", db, "--group-by", "dataset")
	if code != 0 || !strings.Contains(table, "un-2024") || !strings.Contains(table, "wounded_unknown") {
		t.Errorf("report by dataset (exit %d):\n%s", code, table)
	}
}

// A slip in a mission or force name is refused with the closest names on
// the command line as over HTTP, not answered with an empty table.
func TestCommandLineNamesSlips(t *testing.T) {
	storetest.SkipOnPostgres(t, "the command line opens SQLite files here")
	db := filepath.Join(t.TempDir(), "s.db")
	seed := filepath.Join("..", "..", "testdata", "seed_incidents.json")
	if _, errOut, code := runCLI(t, "import", "--db", db, "--format", "json", seed); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	for _, args := range [][]string{
		{"report", "--db", db, "--group-by", "year", "--mission", "MINUSAM"},
		{"export", "--db", db, "--force", "famas"},
	} {
		_, errOut, code := runCLI(t, args...)
		if code == 0 || !strings.Contains(errOut, "did you mean") || !strings.Contains(errOut, "MINUSAM") && !strings.Contains(errOut, "famas") {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
		}
	}
	table, _, code := runCLI(t, "report", "--db", db, "--group-by", "group")
	if code != 0 || !strings.Contains(table, "(no line)") && !strings.Contains(table, "peacekeeper") {
		t.Errorf("report by group (exit %d):\n%s", code, table)
	}
}
