/*
 * Slugs: "<prefix>.<base64url, unpadded, of a JSON key>", exactly as the
 * reference read service writes and reads them.  The JSON is what
 * JSON.stringify writes for the key: "k" first, then the key's dimensions
 * in table order, nulls written out, a threshold as a JavaScript number
 * (1, not 1.0).  So one chart has one canonical slug.
 *
 * Decoding is as lenient as the reference's (Node's Buffer and JSON.parse):
 * the prefix is ignored; both base64 alphabets are read, any other
 * character is skipped, the first '=' ends the payload; invalid UTF-8
 * reads as U+FFFD; JSON whitespace, any member order, duplicate members
 * (the last wins) and extra members are fine; a null dimension may be left
 * out; numbers are JavaScript numbers (query_idx any integral value in
 * i32 range, 1.0 and 1e0 included; threshold any finite number).  Many
 * spellings thus name one key; slug_encode() of the decoded key is its
 * canonical slug, the one to cache under.
 *
 * Deliberate differences: a string holding U+0000 is refused (Postgres
 * text cannot hold it; the reference fails with a 500), and a lone
 * surrogate escape reads as U+FFFD (what the reference sends to Postgres).
 */
#ifndef BENCHINGEST_SLUG_H
#define BENCHINGEST_SLUG_H

#include <stddef.h>

#include "charts.h"
#include "error.h"

/*
 * Longer slugs are refused before any decoding.  nginx passes a request
 * line of at most 8 KiB (large_client_header_buffers); the longest slug
 * of a key within the record limits is some 6,300 bytes (t/unit/slug).
 */
#define SLUG_MAX_BYTES	8192

/* A malloc'd slug; NULL when out of memory. */
char	*slug_encode(const struct chart_key *);
/*
 * The slug as the route has it (percent-decoded, UTF-8) into key (a chart
 * or a group key: the caller checks key->group; chart_key_free() it), or
 * -1 with err a 400 bad_request (a 500 when out of memory).
 */
int	 slug_decode(const char *slug, struct chart_key *key,
	    struct api_error *err);

/*
 * A threshold's text in a key: Number::toString of JavaScript (see
 * jw_number_text()).  Returns -1 for NaN and infinities, which a slug
 * cannot carry.
 */
int	 slug_format_f64(double, char *buf, size_t size);

#endif
