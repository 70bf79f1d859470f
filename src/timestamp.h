/* RFC 3339 date-time check, so Postgres is only given what it accepts. */
#ifndef BENCHINGEST_TIMESTAMP_H
#define BENCHINGEST_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>

/* The longest text timestamp_valid() accepts. */
#define TIMESTAMP_MAX_BYTES	151

bool	timestamp_valid(const char *s, size_t len);

#endif
