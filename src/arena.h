/*
 * A region allocator for one request: everything parsed from a body lives
 * here and goes away with one arena_free(), whatever path the request took.
 */
#ifndef BENCHINGEST_ARENA_H
#define BENCHINGEST_ARENA_H

#include <stddef.h>

struct arena;

struct arena	*arena_new(void);
void		*arena_alloc(struct arena *, size_t);
void		 arena_free(struct arena *);

#endif
