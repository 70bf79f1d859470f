/*
 * log_escape: what a log field may hold.  Printable ASCII stays, quotes and
 * backslashes get a backslash, everything else is \xHH (space too, outside
 * quotes), and a field that does not fit ends with the marker \... rather
 * than being cut silently.
 */
#include <string.h>

#include "../../src/log.h"
#include "tap.h"

static int
escaped(const char *src, int quoted, size_t size, const char *want,
    int want_cut)
{
	char buf[256];
	int cut;

	memset(buf, 'Z', sizeof(buf));
	cut = log_escape(buf, size, src, quoted);
	if (strcmp(buf, want) != 0 || cut != want_cut || strlen(buf) >= size) {
		diag("got \"%s\" (cut %d), want \"%s\" (cut %d)", buf, cut,
		    want, want_cut);
		return 0;
	}
	return 1;
}

int
main(void)
{
	ok(escaped("/api/chart/qm.eyJrIjoi", 0, 64, "/api/chart/qm.eyJrIjoi", 0),
	    "a slug stays as it is");
	ok(escaped("a b", 0, 64, "a\\x20b", 0),
	    "a space outside quotes is \\x20: it cannot start another field");
	ok(escaped("a b", 1, 64, "a b", 0), "inside quotes it stays");
	ok(escaped("say \"hi\"", 1, 64, "say \\\"hi\\\"", 0),
	    "a quote gets a backslash: it cannot end the field");
	ok(escaped("C:\\dir", 1, 64, "C:\\\\dir", 0), "so does a backslash");
	ok(escaped("a\nb\rc\td\001e\177", 1, 64,
	    "a\\x0ab\\x0dc\\x09d\\x01e\\x7f", 0),
	    "control bytes and DEL are \\xHH: nothing ends the line");
	ok(escaped("caf\xc3\xa9", 0, 64, "caf\\xc3\\xa9", 0),
	    "bytes beyond ASCII are \\xHH");
	ok(escaped("", 1, 64, "", 0), "an empty field");
	ok(escaped("abcdefghij", 0, 11, "abcdefghij", 0),
	    "a field that just fits is whole");
	ok(escaped("abcdefghijk", 0, 11, "abcdef\\...", 1),
	    "one byte more: cut, and marked \\...");
	ok(escaped("ab\"\"\"\"\"", 0, 11, "ab\\\"\\\"\\...", 1),
	    "an escape is never cut in half");
	ok(escaped("\n\n\n", 0, 9, "\\x0a\\...", 1),
	    "nor is \\xHH");
	return done_testing();
}
