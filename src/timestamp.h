/* RFC 3339 date-time syntax check, so Postgres is only given what parses. */
#ifndef BENCHINGEST_TIMESTAMP_H
#define BENCHINGEST_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>

bool	timestamp_valid(const char *s, size_t len);

#endif
