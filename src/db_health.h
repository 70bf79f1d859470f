/*
 * What GET /api/health reports of the database: the latest commit and the
 * rows of every table, counted exactly where that is cheap and estimated
 * by the planner where it is not.
 */
#ifndef BENCHINGEST_DB_HEALTH_H
#define BENCHINGEST_DB_HEALTH_H

#include <stdbool.h>

#include "db.h"
#include "records.h"

struct health {
	bool has_latest;
	char latest[64];		/* RFC 3339, UTC */
	long long counts[1 + KIND_COUNT];	/* commits, then each kind */
	bool exact;
};

int	db_health(struct db *, struct health *, struct api_error *);

#endif
