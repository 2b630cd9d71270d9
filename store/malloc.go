package store

/*
#ifdef __GLIBC__
#include <malloc.h>
// SQLite allocates through the C heap, from whichever of the Go runtime's
// threads runs the query. glibc gives threads arenas of their own (up to
// eight per core) and keeps what a large sort or page cache frees, so a
// server's resident memory crept up with every report. Two arenas, large
// blocks mapped apart and returned when freed, and a lower trim threshold
// keep it near what is in use.
static void incidentdb_malloc_tune(void) {
	mallopt(M_ARENA_MAX, 2);
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
}
#else
static void incidentdb_malloc_tune(void) {}
#endif
*/
import "C"

func init() { C.incidentdb_malloc_tune() }
