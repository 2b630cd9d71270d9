package handlers_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"incidentdb/handlers"
	"incidentdb/models"
)

func TestEveryVersionCanBeReadBackAsItWas(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	inc := a.create(t, seeds(t)[0])
	path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	seen := map[int]models.Incident{1: inc}
	for i, patch := range []string{
		`{"summary":"revised summary","locality":"Ménaka"}`,
		`{"locality":null,"latitude":15.9,"longitude":2.4}`,
		`{"killed":5,"casualties":[{"group":"peacekeeper","force":"MINUSMA","nationality":"NE","killed":4}]}`,
	} {
		res := a.do(t, "PATCH", path, a.editor, []byte(patch))
		if res.status != 200 {
			t.Fatalf("patch %d: %d %s", i, res.status, res.body)
		}
		var got models.Incident
		res.json(t, &got)
		seen[got.Version] = got
	}
	if res := a.do(t, "DELETE", path, a.editor, nil); res.status != 204 {
		t.Fatalf("delete: %d", res.status)
	}
	for v, want := range seen {
		var got models.Incident
		res := a.do(t, "GET", fmt.Sprintf("%s?version=%d", path, v), "", nil)
		if res.status != 200 {
			t.Fatalf("version %d: %d %s", v, res.status, res.body)
		}
		res.json(t, &got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("version %d differs from what the write returned (-want +got):\n%s", v, diff)
		}
	}
	var hist struct {
		Revisions []struct {
			Version int
			Action  string
			Changes []struct {
				Field    string
				Old, New any
			}
		}
	}
	a.do(t, "GET", path+"/history", "", nil).json(t, &hist)
	actions := ""
	for _, r := range hist.Revisions {
		actions += fmt.Sprintf("%d:%s:%d ", r.Version, r.Action, len(r.Changes))
	}
	// create lists every field; the patches what they changed (the last one
	// also the totals and forces derived from the new lines); the delete
	// nothing of the content.
	if want := "1:create:25 2:update:2 3:update:3 4:update:8 5:delete:0 "; actions != want {
		t.Errorf("history = %q, want %q", actions, want)
	}
	if c := hist.Revisions[3].Changes; c[0].Field != "killed" || c[0].Old != 4.0 || c[0].New != 5.0 {
		t.Errorf("casualty revision: %+v", c)
	}
	if res := a.do(t, "GET", path+"?version=6", "", nil); res.status != 404 {
		t.Errorf("version beyond the latest: %d", res.status)
	}
}
