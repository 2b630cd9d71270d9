package exchange_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"incidentdb/exchange"
	"incidentdb/models"
)

// FuzzCSVReader: no input makes the reader panic or loop; it ends with
// io.EOF or an error, and every record carries a line number.
func FuzzCSVReader(f *testing.F) {
	for _, seed := range []string{
		"occurred_on,type\n2017-11-24,ied\n",
		"\uFEFFid,occurred_on,type,forces,casualties\n#meta+id,#date,#event,,\n1,2017-11-24,ied,A;B,\"[{\"\"group\"\":\"\"peacekeeper\"\",\"\"killed\"\":1}]\"\n",
		"occurred_on,type\n\"unterminated\n", "", "a,a\n", "occurred_on,type,killed\n2017-01-01,ied,x\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []string{"csv", "ndjson", "json"} {
			r, err := exchange.NewReader(format, bytes.NewReader(data))
			if err != nil {
				continue
			}
			for i := 0; ; i++ {
				if i > len(data)+1 {
					t.Fatalf("%s: more records than bytes", format)
				}
				rec, err := r.Next()
				if errors.Is(err, io.EOF) || err != nil {
					break
				}
				if rec.Line < 1 {
					t.Fatalf("%s: record without a line: %+v", format, rec)
				}
			}
		}
	})
}

// The JSON of a casualties or sources cell is read as strictly as a body:
// a key in the wrong case, a repeated key or an unknown one is a row error
// naming the cell and the place in it; a null figure is unknown.
func TestCSVCellsAreReadStrictly(t *testing.T) {
	const header = "occurred_on,type,casualties,sources\n"
	for cell, field := range map[string]string{
		`[{"group":"peacekeeper","killed":1,"Killed":2}]`: "casualties[0].Killed",
		`[{"group":"peacekeeper","killed":1,"killed":2}]`: "casualties[0].killed",
		`[{"group":"peacekeeper","bogus":2}]`:             "casualties[0].bogus",
		`{"group":"peacekeeper"}`:                         "casualties",
		`[{"group":"peacekeeper","killed":"3"}]`:          "casualties.killed", // a cell's own list, named as the decoder names it
	} {
		quoted := `"` + strings.ReplaceAll(cell, `"`, `""`) + `"`
		recs := readString(t, "csv", header+"2017-11-24,ied,"+quoted+",[]\n")
		var e *models.Error
		if len(recs) != 1 || !errors.As(recs[0].Err, &e) || len(e.Fields) == 0 || e.Fields[0].Field != field {
			t.Errorf("cell %s: %+v, want an error naming %s", cell, recs, field)
		}
	}
	recs := readString(t, "csv", header+`2017-11-24,ied,"[{""group"":""civilian"",""killed"":null,""wounded"":2}]","[{""title"":""A"",""Title"":""B""}]"`+"\n")
	var e *models.Error
	if len(recs) != 1 || !errors.As(recs[0].Err, &e) || e.Fields[0].Field != "sources[0].Title" {
		t.Fatalf("sources cell: %+v", recs)
	}
	recs = readString(t, "csv", header+`2017-11-24,ied,"[{""group"":""civilian"",""killed"":null,""wounded"":2}]",[]`+"\n")
	if len(recs) != 1 || recs[0].Err != nil {
		t.Fatalf("%+v", recs)
	}
	if line := recs[0].Input.Casualties[0]; !line.Killed.Given || line.Killed.Value != nil || *line.Wounded.Value != 2 {
		t.Errorf("a null figure in a cell: %+v", line)
	}
}
