package handlers

// UploadChunkTime lets tests see an upload cut for its pace in a second
// instead of thirty.
var UploadChunkTime = &uploadChunkTime
