/*
 * Fuzz target: the slug decoder, which reads untrusted URLs of the read
 * API.  The input is tried as a slug as it is, and as the JSON inside a
 * slug.  Whatever decodes must re-encode to a slug that decodes to the same
 * key and re-encodes to the very same text: one canonical form per key.
 * Whatever does not decode must be a 400 bad_request.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/slug.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
check(const char *slug)
{
	struct chart_key key, again;
	struct api_error err;
	char *canonical, *twice;
	size_t i;

	api_error_clear(&err);
	if (slug_decode(slug, &key, &err) == -1) {
		if (err.status != 400 || strcmp(err.class, "bad_request") != 0)
			abort();
		return;
	}
	if ((canonical = slug_encode(&key)) == NULL)
		abort();
	if (slug_decode(canonical, &again, &err) == -1)
		abort();
	if (again.kind != key.kind || again.group != key.group)
		abort();
	for (i = 0; i < chart_key_ndims(&key); i++)
		if (again.values[i].null != key.values[i].null ||
		    (!key.values[i].null &&
		    strcmp(again.values[i].text, key.values[i].text) != 0))
			abort();
	if ((twice = slug_encode(&again)) == NULL ||
	    strcmp(twice, canonical) != 0)
		abort();
	free(twice);
	free(canonical);
	chart_key_free(&again);
	chart_key_free(&key);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw, *slug;
	size_t i, o = 0;
	uint32_t v;

	if (size > 8192)
		return 0;
	if ((raw = malloc(size + 1)) == NULL)
		return 0;
	memcpy(raw, data, size);
	raw[size] = '\0';
	check(raw);
	free(raw);

	/* The same bytes as the JSON of a slug. */
	if ((slug = malloc(4 + size * 2)) == NULL)
		return 0;
	memcpy(slug, "x.", 2);
	o = 2;
	for (i = 0; i < size; i += 3) {
		v = (uint32_t)data[i] << 16;
		v |= i + 1 < size ? (uint32_t)data[i + 1] << 8 : 0;
		v |= i + 2 < size ? (uint32_t)data[i + 2] : 0;
		slug[o++] = b64[v >> 18 & 63];
		slug[o++] = b64[v >> 12 & 63];
		if (i + 1 < size)
			slug[o++] = b64[v >> 6 & 63];
		if (i + 2 < size)
			slug[o++] = b64[v & 63];
	}
	slug[o] = '\0';
	check(slug);
	free(slug);
	return 0;
}
