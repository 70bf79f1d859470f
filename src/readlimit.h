/*
 * How many workers of a host answer reads at once (max_concurrent_reads):
 * a read takes a slot in a table in memory shared by the master and its
 * workers, or is refused at once, so the other workers stay free for
 * ingests however many reads arrive.  The master frees the slot of a
 * worker that died holding one.
 */
#ifndef BENCHINGEST_READLIMIT_H
#define BENCHINGEST_READLIMIT_H

#include <stdbool.h>

/* max_concurrent_reads can be no higher: it is at most workers. */
#define READLIMIT_SLOTS	256

/* Maps the table; in the master, before any child exists. */
int	readlimit_init(void);
/*
 * A slot among the first max, or false when all of those are taken (and
 * counted in the metrics).
 */
bool	readlimit_take(long long max);
/* How many slots are taken now, for the metrics. */
int	readlimit_in_use(void);
/* Gives back the slot this process took. */
void	readlimit_release(void);
/* The master reaped worker pid, however it ended. */
void	readlimit_worker_gone(int pid);

#endif
