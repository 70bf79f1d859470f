/* Bearer tokens (doc/ingest-api.md §1, §4 check 1). */
#ifndef BENCHINGEST_AUTH_H
#define BENCHINGEST_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum auth_result { AUTH_OK, AUTH_UNAUTHORIZED, AUTH_NOT_CONFIGURED };

enum auth_result	auth_bearer(const char *header, const char *token);
/* 0, or -1 with the 401/503 answer in the error. */
int			auth_require(const char *header, const char *token,
			    struct api_error *);
bool			auth_equal(const char *given, size_t givenlen,
			    const char *want, size_t wantlen);

#endif
