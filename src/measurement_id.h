/* The primary key of a record's row (doc/ingest-api.md §6). */
#ifndef BENCHINGEST_MEASUREMENT_ID_H
#define BENCHINGEST_MEASUREMENT_ID_H

#include <stdint.h>

#include "records.h"

/* Hashes the key fields of values[], laid out as in kind->fields. */
int64_t	measurement_id(const struct kind *, const struct value *values);

#endif
