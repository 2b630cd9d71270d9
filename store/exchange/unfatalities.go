package exchange

import "io"

// NewUNFatalitiesReader reads the UN's peacekeeper fatalities dataset.
func NewUNFatalitiesReader(r io.Reader) (Reader, error) {
	return nil, fileError("the UN fatalities format is not supported yet")
}
