/* The request arena: chunks freed all at once with the request. */
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"

#define CHUNK_SIZE	((size_t)256 * 1024)
#define ALIGNMENT	16

struct chunk {
	struct chunk *prev;
	size_t used;
	size_t size;
	_Alignas(ALIGNMENT) unsigned char data[];
};

struct arena {
	struct chunk *top;
};

struct arena *
arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->top;
	size_t size;
	void *p;

	n = (n + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
	if (n == 0)
		n = ALIGNMENT;
	if (c == NULL || c->size - c->used < n) {
		size = n > CHUNK_SIZE / 4 ? n : CHUNK_SIZE;
		if (size > SIZE_MAX - sizeof(*c))
			return NULL;
		if ((c = malloc(sizeof(*c) + size)) == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		/* A big one-off allocation must not waste the current chunk. */
		if (size != CHUNK_SIZE && a->top != NULL) {
			c->prev = a->top->prev;
			a->top->prev = c;
		} else {
			c->prev = a->top;
			a->top = c;
		}
	}
	p = c->data + c->used;
	c->used += n;
	return p;
}

void
arena_free(struct arena *a)
{
	struct chunk *c, *prev;

	if (a == NULL)
		return;
	for (c = a->top; c != NULL; c = prev) {
		prev = c->prev;
		free(c);
	}
	free(a);
}
