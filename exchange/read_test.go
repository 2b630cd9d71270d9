package exchange_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"incidentdb/exchange"
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
