/*
 * The listener: a child of the master that holds one Postgres session
 * LISTENing on bench_data and advances the read cache's generation on every
 * notification, so that every host sharing the database drops its cached
 * reads within moments of a commit.
 */
#ifndef BENCHINGEST_LISTENER_H
#define BENCHINGEST_LISTENER_H

#include "config.h"

/* Returns when told to stop; never calls exit(). */
int	listener_run(const struct config *);

#endif
