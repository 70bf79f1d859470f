/*
 * The read statements prepared on the worker's connection, by their text
 * (read_prepared_statements of them at most): a statement is parsed and
 * planned by Postgres the first time a read runs it on the connection,
 * and run by name after that (Postgres plans it again by itself when what
 * it reads changes).  Planning cost more than running most of the reads'
 * statements.  When the table is full, the slot taken next is freed on
 * the server first.  The statements die with the connection: db_drop()
 * forgets them all.
 */
#ifndef BENCHINGEST_DB_STMT_H
#define BENCHINGEST_DB_STMT_H

#include <stddef.h>
#include <stdint.h>

struct db_stmt {
	uint64_t hash;		/* of sql */
	char *sql;		/* NULL: the slot is free */
};

struct db_stmts {
	struct db_stmt *slot;
	int cap;		/* slots; 0: nothing is prepared */
	int next;		/* the slot taken next when none is free */
};

/* cap slots, all free; -1 when out of memory. */
int	db_stmts_init(struct db_stmts *, int cap);
void	db_stmts_free(struct db_stmts *);
/* The slot holding sql, or -1. */
int	db_stmts_find(const struct db_stmts *, const char *sql);
/*
 * The slot sql is to be prepared in (-1: none, cap is 0): a free one,
 * else the next in turn, which the caller deallocates on the server (its
 * sql is not NULL) and db_stmts_forget()s first.
 */
int	db_stmts_victim(struct db_stmts *);
/* Slot now holds sql; -1 when out of memory. */
int	db_stmts_set(struct db_stmts *, int slot, const char *sql);
void	db_stmts_forget(struct db_stmts *, int slot);
/* Forgets every statement: the connection is gone. */
void	db_stmts_clear(struct db_stmts *);
/* The server's name of slot's statement: bi_s<slot>. */
void	db_stmts_name(int slot, char *name, size_t size);

#endif
