package exchange

import "io"

// NewACLEDReader reads an ACLED CSV export.
func NewACLEDReader(r io.Reader) (Reader, error) {
	return nil, fileError("the ACLED format is not supported yet")
}
