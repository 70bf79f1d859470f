/*
 * Which Accept-Encoding headers get a read's answer gzipped
 * (http_accepts_gzip(), RFC 9110 12.5.3): gzip or x-gzip, else "*", with
 * a q-value above 0; anything that does not parse gets identity.
 */
#include "../../src/http.h"
#include "tap.h"

int
main(void)
{
	ok(!http_accepts_gzip(NULL), "no header: identity");
	ok(!http_accepts_gzip(""), "an empty header: identity");
	ok(http_accepts_gzip("gzip"), "gzip");
	ok(http_accepts_gzip("GZip"), "any case");
	ok(http_accepts_gzip("x-gzip"), "x-gzip");
	ok(http_accepts_gzip("gzip, deflate, br, zstd"), "a browser's list");
	ok(http_accepts_gzip("br;q=1.0, gzip;q=0.8, *;q=0.1"),
	    "q-values, gzip not first");
	ok(http_accepts_gzip(" ,gzip ,, "), "empty elements and blanks");
	ok(http_accepts_gzip("gzip ; q=0.001"), "q=0.001 accepts");
	ok(http_accepts_gzip("gzip;Q=1"), "Q in capitals");
	ok(!http_accepts_gzip("gzip;q=0"), "q=0 refuses");
	ok(!http_accepts_gzip("gzip;q=0.000"), "q=0.000 refuses");
	ok(!http_accepts_gzip("deflate, br"), "gzip not listed: identity");
	ok(!http_accepts_gzip("identity"), "identity");
	ok(!http_accepts_gzip("gzipx"), "a longer name is another coding");
	ok(!http_accepts_gzip("gzip-x"), "so is this one");
	ok(http_accepts_gzip("*"), "* accepts gzip");
	ok(!http_accepts_gzip("*;q=0"), "*;q=0 refuses it");
	ok(!http_accepts_gzip("gzip;q=0, *"), "gzip refused by name, * aside");
	ok(http_accepts_gzip("*;q=0, gzip"), "gzip named, *;q=0 aside");
	ok(!http_accepts_gzip("gzip;q=2"), "q=2 does not parse");
	ok(!http_accepts_gzip("gzip;q=1.5"), "q=1.5 does not parse");
	ok(!http_accepts_gzip("gzip;q=0.5x"), "junk after q");
	ok(!http_accepts_gzip("gzip;level=9"), "a parameter other than q");
	ok(!http_accepts_gzip("gzip;q="), "q without a value");
	ok(!http_accepts_gzip("gzip deflate"), "two names without a comma");
	ok(!http_accepts_gzip("g\"zip\""), "a quote inside a name");
	return done_testing();
}
