/* Which read statements are prepared on the connection, under which names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "db_stmt.h"

static uint64_t
hash_of(const char *sql)
{
	return XXH3_64bits(sql, strlen(sql));
}

int
db_stmts_init(struct db_stmts *t, int cap)
{
	memset(t, 0, sizeof(*t));
	if (cap > 0 && (t->slot = calloc((size_t)cap, sizeof(*t->slot))) ==
	    NULL)
		return -1;
	t->cap = cap;
	return 0;
}

void
db_stmts_free(struct db_stmts *t)
{
	db_stmts_clear(t);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

int
db_stmts_find(const struct db_stmts *t, const char *sql)
{
	uint64_t h;
	int i;

	if (t->cap == 0)
		return -1;
	h = hash_of(sql);
	for (i = 0; i < t->cap; i++)
		if (t->slot[i].sql != NULL && t->slot[i].hash == h &&
		    strcmp(t->slot[i].sql, sql) == 0)
			return i;
	return -1;
}

int
db_stmts_victim(struct db_stmts *t)
{
	int i, victim;

	if (t->cap == 0)
		return -1;
	for (i = 0; i < t->cap; i++)
		if (t->slot[i].sql == NULL)
			return i;
	victim = t->next;
	t->next = (t->next + 1) % t->cap;
	return victim;
}

int
db_stmts_set(struct db_stmts *t, int slot, const char *sql)
{
	char *copy;

	if ((copy = strdup(sql)) == NULL)
		return -1;
	db_stmts_forget(t, slot);
	t->slot[slot].sql = copy;
	t->slot[slot].hash = hash_of(sql);
	return 0;
}

void
db_stmts_forget(struct db_stmts *t, int slot)
{
	free(t->slot[slot].sql);
	t->slot[slot].sql = NULL;
}

void
db_stmts_clear(struct db_stmts *t)
{
	int i;

	for (i = 0; i < t->cap; i++)
		db_stmts_forget(t, i);
	t->next = 0;
}

void
db_stmts_name(int slot, char *name, size_t size)
{
	snprintf(name, size, "bi_s%d", slot);
}
