package store_test

import (
	"context"
	"testing"
	"time"

	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

var fixedNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// mustOpen opens a fresh database file in a temp dir with a fixed clock.
func mustOpen(tb testing.TB) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), storetest.DSN(tb),
		store.WithClock(func() time.Time { return fixedNow }))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func ptr[T any](v T) *T { return &v }

func menaka() models.IncidentInput {
	return models.IncidentInput{
		ExternalID: ptr("un-sg-2017-11-24-menaka"), OccurredOn: ptr("2017-11-24"), Mission: ptr("MINUSMA"),
		Country: ptr("Mali"), Region: ptr("menaka"), Type: ptr("armed_attack"),
		Summary: ptr("Peacekeepers repelled an attack by unidentified assailants."),
		Casualties: []models.CasualtyInput{
			{Group: ptr("peacekeeper"), Force: ptr("MINUSMA"), Nationality: ptr("Niger"), Killed: models.Known(3), Wounded: models.Known(0)},
			{Group: ptr("peacekeeper"), Force: ptr("MINUSMA"), Wounded: models.Known(16)},
			{Group: ptr("contractor"), Force: ptr("MINUSMA"), Wounded: models.Known(1)},
			{Group: ptr("national_forces"), Force: ptr("FAMa"), Nationality: ptr("ML"), Killed: models.Known(1), Wounded: models.Known(1)},
		},
	}
}

func mustNormalize(tb testing.TB, in models.IncidentInput) models.Incident {
	tb.Helper()
	inc, err := in.Normalize(fixedNow)
	if err != nil {
		tb.Fatal(err)
	}
	return inc
}

func TestCreateThenGetReturnsCanonicalIncident(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	created, err := s.CreateIncident(ctx, "tester", mustNormalize(t, menaka()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetIncident(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || *got.Region != "Ménaka" || *got.Country != "ML" {
		t.Fatalf("got version %d region %v country %v", got.Version, *got.Region, *got.Country)
	}
	if models.Value0(got.Killed) != 4 || models.Value0(got.Wounded) != 18 {
		t.Errorf("totals from breakdown: killed %d wounded %d, want 4 and 18", got.Killed, got.Wounded)
	}
	if len(got.Casualties) != 4 || *got.Casualties[0].Nationality != "NE" {
		t.Errorf("casualties = %+v", got.Casualties)
	}
	if want := []string{"MINUSMA", "FAMa"}; len(got.Forces) != 2 || got.Forces[0] != want[0] || got.Forces[1] != want[1] {
		t.Errorf("forces = %v, want %v", got.Forces, want)
	}
	if len(got.ContributingCountries) != 1 || got.ContributingCountries[0] != "NE" {
		t.Errorf("contributing_countries = %v, want [NE]", got.ContributingCountries)
	}
	if !got.CreatedAt.Equal(fixedNow) {
		t.Errorf("created_at = %v", got.CreatedAt)
	}
}

func TestUpdateGrowsVersionOnlyOnChange(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	inc, err := s.CreateIncident(ctx, "tester", mustNormalize(t, menaka()))
	if err != nil {
		t.Fatal(err)
	}
	same := func(cur models.Incident) (models.Incident, error) { return cur, nil }
	got, err := s.UpdateIncident(ctx, "tester", inc.ID, []int{1}, same)
	if err != nil || got.Version != 1 {
		t.Fatalf("unchanged update: version %d, err %v; want 1, nil", got.Version, err)
	}
	change := func(cur models.Incident) (models.Incident, error) { cur.Summary = "revised"; return cur, nil }
	got, err = s.UpdateIncident(ctx, "tester", inc.ID, []int{1}, change)
	if err != nil || got.Version != 2 {
		t.Fatalf("changed update: version %d, err %v; want 2, nil", got.Version, err)
	}
	_, err = s.UpdateIncident(ctx, "tester", inc.ID, []int{1}, change)
	if models.ErrorCode(err) != models.Precondition {
		t.Fatalf("stale version: err %v, want precondition", err)
	}
	page, err := s.History(ctx, inc.ID, models.HistoryPage{})
	hist := page.Revisions
	if err != nil || len(hist) != 2 {
		t.Fatalf("history: %d revisions, err %v; want 2", len(hist), err)
	}
	if c := hist[1].Changes; len(c) != 1 || c[0].Field != "summary" || c[0].New != "revised" {
		t.Errorf("second revision changes = %+v", c)
	}
}

func TestDeleteIsSoftAndKeepsHistory(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	inc, err := s.CreateIncident(ctx, "tester", mustNormalize(t, menaka()))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteIncident(ctx, "tester", inc.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetIncident(ctx, inc.ID); models.ErrorCode(err) != models.NotFound {
		t.Fatalf("get after delete: %v, want not found", err)
	}
	page, err := s.History(ctx, inc.ID, models.HistoryPage{})
	hist := page.Revisions
	if err != nil || len(hist) != 2 || hist[1].Action != "delete" || hist[1].Version != 2 {
		t.Fatalf("history after delete = %+v, %v", hist, err)
	}
	old, err := s.IncidentAt(ctx, inc.ID, 1)
	if err != nil || models.Value0(old.Killed) != 4 {
		t.Fatalf("version 1 = %+v, %v", old, err)
	}
	res, err := s.ListIncidents(ctx, models.Filter{}, models.Page{Sort: "-occurred_on", Limit: 10})
	if err != nil || res.Total != 0 {
		t.Fatalf("list after delete: total %d, err %v", res.Total, err)
	}
}

func TestExternalIDIsUnique(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	if _, err := s.CreateIncident(ctx, "tester", mustNormalize(t, menaka())); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateIncident(ctx, "tester", mustNormalize(t, menaka()))
	if models.ErrorCode(err) != models.Conflict {
		t.Fatalf("second create with the same external_id: %v, want conflict", err)
	}
	if n, _ := s.CountIncidents(ctx); n != 1 {
		t.Errorf("count = %d, want 1", n)
	}
}

func TestMigrationsAreRecordedAndRerunSafely(t *testing.T) {
	path := storetest.DSN(t)
	for range 2 {
		s, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		names, err := s.Migrations(context.Background())
		if err != nil || len(names) == 0 {
			t.Fatalf("migrations = %v, %v", names, err)
		}
		s.Close()
	}
}

func TestKeysHashedListedAndRevoked(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	key, err := s.CreateKey(ctx, "ana", models.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	name, role, err := s.Authenticate(ctx, key)
	if err != nil || name != "ana" || role != models.RoleEditor {
		t.Fatalf("authenticate = %q %q %v", name, role, err)
	}
	if _, _, err := s.Authenticate(ctx, key+"x"); models.ErrorCode(err) != models.Unauthorized {
		t.Errorf("wrong key: %v", err)
	}
	if _, err := s.CreateKey(ctx, "ana", models.RoleReader); models.ErrorCode(err) != models.Conflict {
		t.Errorf("duplicate live name: %v", err)
	}
	if err := s.RevokeKey(ctx, "ana"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(ctx, key); models.ErrorCode(err) != models.Unauthorized {
		t.Errorf("revoked key: %v", err)
	}
	keys, err := s.ListKeys(ctx)
	if err != nil || len(keys) != 1 || keys[0].RevokedAt == nil {
		t.Errorf("keys = %+v, %v", keys, err)
	}
}
