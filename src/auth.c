/* Bearer tokens: the exact header form, compared in constant time. */
#include <string.h>

#include "auth.h"

/*
 * Time depends only on the length of the configured token, never on where
 * the first difference is or on the length the client sent.
 */
bool
auth_equal(const char *given, size_t givenlen, const char *want,
    size_t wantlen)
{
	volatile unsigned char diff = givenlen != wantlen;
	size_t i;

	for (i = 0; i < wantlen; i++)
		diff |= (unsigned char)(want[i] ^
		    (givenlen > 0 ? given[i % givenlen] : 0));
	return diff == 0;
}

/* The header must be exactly "Bearer " and the token: one space, no more. */
enum auth_result
auth_bearer(const char *header, const char *token)
{
	static const char prefix[] = "Bearer ";
	size_t plen = sizeof(prefix) - 1;

	if (token == NULL || token[0] == '\0')
		return AUTH_NOT_CONFIGURED;
	if (header == NULL || strncmp(header, prefix, plen) != 0)
		return AUTH_UNAUTHORIZED;
	header += plen;
	return auth_equal(header, strlen(header), token, strlen(token)) ?
	    AUTH_OK : AUTH_UNAUTHORIZED;
}

int
auth_require(const char *header, const char *token, struct api_error *err)
{
	switch (auth_bearer(header, token)) {
	case AUTH_OK:
		return 0;
	case AUTH_NOT_CONFIGURED:
		api_error_set(err, 503, "not_configured", NULL);
		return -1;
	case AUTH_UNAUTHORIZED:
		break;
	}
	api_error_set(err, 401, "unauthorized", NULL);
	return -1;
}
