/*
 * Slugs: "<prefix>.<base64url, unpadded, of a JSON key>".  The JSON has "k"
 * first, then the key's dimensions in table order with nulls written out, so
 * one chart has one slug and a slug is a stable cache key.  Decoding ignores
 * the prefix and the member order, and refuses anything else that is off.
 */
#ifndef BENCHINGEST_SLUG_H
#define BENCHINGEST_SLUG_H

#include <stddef.h>

#include "charts.h"
#include "error.h"

/* A malloc'd slug; NULL when out of memory. */
char	*slug_encode(const struct chart_key *);
/* Fills key (chart_key_free() it) or err with a 400 bad_request. */
int	 slug_decode(const char *slug, struct chart_key *key,
	    struct api_error *err);

/*
 * The shortest text that reads back as the same double, written as
 * serde_json does (1.0, 0.83, 1e-7, 1.5e16): the one form a slug uses.
 * Returns -1 for NaN and infinities, which JSON cannot carry.
 */
int	 slug_format_f64(double, char *buf, size_t size);

#endif
