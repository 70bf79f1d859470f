/*
 * Bearer checks (doc/ingest-api.md §4 check 1, §8): the exact header form,
 * the token compared whole whatever the lengths, and no token = fail
 * closed.
 */
#include <string.h>

#include "../../src/auth.h"
#include "tap.h"

int
main(void)
{
	const char *token = "s3cret-token";

	ok(auth_bearer("Bearer s3cret-token", token) == AUTH_OK,
	    "the exact header is accepted");
	ok(auth_bearer(NULL, token) == AUTH_UNAUTHORIZED, "no header: 401");
	ok(auth_bearer("", token) == AUTH_UNAUTHORIZED, "empty header: 401");
	ok(auth_bearer("bearer s3cret-token", token) == AUTH_UNAUTHORIZED,
	    "the scheme is case-sensitive");
	ok(auth_bearer("Bearer  s3cret-token", token) == AUTH_UNAUTHORIZED,
	    "exactly one space");
	ok(auth_bearer("Bearer s3cret-token ", token) == AUTH_UNAUTHORIZED,
	    "a trailing space is part of the token");
	ok(auth_bearer("Bearer s3cret-toke", token) == AUTH_UNAUTHORIZED,
	    "a prefix of the token is refused");
	ok(auth_bearer("Bearer s3cret-tokenX", token) == AUTH_UNAUTHORIZED,
	    "the token plus a byte is refused");
	ok(auth_bearer("Bearer S3cret-token", token) == AUTH_UNAUTHORIZED,
	    "one byte off is refused");
	ok(auth_bearer("Bearer ", token) == AUTH_UNAUTHORIZED,
	    "an empty token is refused");
	ok(auth_bearer("Basic czNjcmV0LXRva2Vu", token) == AUTH_UNAUTHORIZED,
	    "another scheme is refused");
	ok(auth_bearer("Bearer s3cret-token", NULL) == AUTH_NOT_CONFIGURED,
	    "no token configured: not_configured (fail closed)");
	ok(auth_bearer("Bearer ", "") == AUTH_NOT_CONFIGURED,
	    "an empty configured token is no token");

	/* Equal and unequal lengths both go through the same comparison. */
	ok(auth_equal("abc", 3, "abc", 3), "equal strings");
	ok(!auth_equal("abd", 3, "abc", 3), "same length, last byte differs");
	ok(!auth_equal("xbc", 3, "abc", 3), "same length, first byte differs");
	ok(!auth_equal("ab", 2, "abc", 3), "shorter");
	ok(!auth_equal("abcabc", 6, "abc", 3), "longer, repeating the token");
	ok(!auth_equal("", 0, "abc", 3), "empty against a token");
	ok(!auth_equal("abc\0", 4, "abc", 3), "a NUL after the token");
	return done_testing();
}
