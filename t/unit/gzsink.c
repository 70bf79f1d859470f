/*
 * The gzip sink: what a JSON writer writes through it inflates back to the
 * very bytes the writer gives a plain sink; the output is a gzip member
 * without time stamp or name, the same bytes for the same document; big
 * answers compress; a bad level is refused.  (zlib's inflate is the judge.)
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "../../src/gzsink.h"
#include "../../src/jsonwrite.h"
#include "tap.h"

/* A chart-like answer: commits and series of n points. */
static int
answer(struct jw *jw, int n)
{
	char sha[41];
	int i, s;

	jw_object(jw);
	jw_key(jw, "display_name");
	jw_string(jw, "tpch sf=1 Q1 [nvme]");
	jw_key(jw, "commits");
	jw_array(jw);
	for (i = 0; i < n; i++) {
		snprintf(sha, sizeof(sha), "%040x", i * 2654435761U);
		jw_object(jw);
		jw_key(jw, "sha");
		jw_string(jw, sha);
		jw_key(jw, "message");
		jw_string(jw, "Merge pull request #1234\n\nfix: \"quoted\" \\ and "
		    "データ");
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_key(jw, "series");
	jw_object(jw);
	for (s = 0; s < 10; s++) {
		snprintf(sha, sizeof(sha), "engine%d:format", s);
		jw_key(jw, sha);
		jw_array(jw);
		for (i = 0; i < n; i++)
			if (i % 7 == 3)
				jw_null(jw);
			else
				jw_int(jw, 1000000LL + i * 37 + s * 1001);
		jw_array_end(jw);
	}
	jw_object_end(jw);
	jw_object_end(jw);
	return jw_finish(jw);
}

/* The inflated bytes of a gzip member, or NULL. */
static unsigned char *
gunzip(const struct strbuf *gz, size_t *len)
{
	unsigned char *out = NULL, *p;
	size_t cap = 1 << 16;
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return NULL;
	z.next_in = (Bytef *)gz->data;
	z.avail_in = (uInt)gz->len;
	do {
		cap *= 2;
		if ((p = realloc(out, cap)) == NULL) {
			rc = Z_MEM_ERROR;
			break;
		}
		out = p;
		z.next_out = out + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		rc = inflate(&z, Z_FINISH);
	} while (rc == Z_BUF_ERROR || (rc == Z_OK && z.avail_out == 0));
	*len = z.total_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END || z.avail_in != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static void
one_answer(int n, const char *what)
{
	struct strbuf plain = { 0 };
	struct gzsink gz, again;
	struct api_error err;
	struct jw jw;
	unsigned char *back;
	size_t len = 0;
	int rc;

	api_error_clear(&err);
	jw_init(&jw, jw_sink_strbuf, &plain, &err);
	rc = answer(&jw, n);
	ok(rc == 0 && gzsink_init(&gz, Z_DEFAULT_COMPRESSION, &err) == 0,
	    "%s: a writer and a gzip sink", what);
	jw_init(&jw, gzsink_write, &gz, &err);
	rc = answer(&jw, n);
	if (rc == 0)
		rc = gzsink_finish(&gz, &err);
	ok(rc == 0, "%s: %zu JSON bytes "
	    "written and finished as %zu gzip bytes", what, plain.len,
	    gz.out.len);
	back = gunzip(&gz.out, &len);
	ok(back != NULL && len == plain.len &&
	    memcmp(back, plain.data, len) == 0,
	    "%s: inflate gives back the JSON, byte for byte", what);
	ok(gz.out.len >= 10 && memcmp(gz.out.data, "\x1f\x8b\x08\x00\0\0\0\0",
	    8) == 0, "%s: a gzip member, deflate, no name, no time stamp",
	    what);
	if (n > 100)
		ok(gz.out.len * 5 < plain.len, "%s: compressed to under a "
		    "fifth (%.1f%%)", what, 100.0 * (double)gz.out.len /
		    (double)plain.len);
	gzsink_init(&again, Z_DEFAULT_COMPRESSION, &err);
	jw_init(&jw, gzsink_write, &again, &err);
	answer(&jw, n);
	gzsink_finish(&again, &err);
	ok(again.out.len == gz.out.len && memcmp(again.out.data, gz.out.data,
	    gz.out.len) == 0, "%s: the same answer, the same bytes", what);
	free(back);
	gzsink_free(&again);
	gzsink_free(&gz);
	sb_free(&plain);
}

int
main(void)
{
	struct gzsink gz;
	struct api_error err;
	unsigned char *back = NULL;
	size_t len = 1;

	one_answer(0, "a small answer");
	one_answer(5000, "a 1 MB answer");

	api_error_clear(&err);
	ok(gzsink_init(&gz, Z_DEFAULT_COMPRESSION, &err) == 0 &&
	    gzsink_finish(&gz, &err) == 0 &&
	    (back = gunzip(&gz.out, &len)) != NULL && len == 0,
	    "nothing written: a valid gzip of nothing");
	free(back);
	gzsink_free(&gz);

	api_error_clear(&err);
	ok(gzsink_init(&gz, 42, &err) == -1 && err.status == 500,
	    "an unknown compression level is refused: %s", err.message);
	gzsink_free(&gz);
	ok(gzsink_write(&gz, "x", 1, &err) == -1 &&
	    gzsink_finish(&gz, &err) == -1,
	    "a sink that did not start takes nothing");
	gzsink_free(&gz);
	return done_testing();
}
