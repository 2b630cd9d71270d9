package store

// BulkStep lets tests reach the bulk-index path of an import with a few
// hundred incidents instead of tens of thousands.
var BulkStep = &bulkStep
