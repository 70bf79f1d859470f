/*
 * The window n of a chart or group read, from its query string, as the
 * reference read service reads it (the captured cases of t/reference and
 * the rules of its lib/window.ts).
 */
#include "../../src/window.h"
#include "tap.h"

int
main(void)
{
	/* Missing, or not "all" nor digits: the default. */
	ok(window_parse("") == 100, "no query: 100");
	ok(window_parse("x=1") == 100, "another parameter only: 100");
	ok(window_parse("N=5") == 100, "N is not n");
	ok(window_parse("nn=5") == 100, "nn is not n");
	ok(window_parse("n=") == 100, "empty n: 100");
	ok(window_parse("n") == 100, "n without '=': empty, 100");
	ok(window_parse("n=abc") == 100, "n=abc: 100");
	ok(window_parse("n=1.5") == 100, "n=1.5: 100");
	ok(window_parse("n=1e2") == 100, "n=1e2: 100");
	ok(window_parse("n=0x10") == 100, "n=0x10: 100");
	ok(window_parse("n=5abc") == 100, "n=5abc: 100");
	ok(window_parse("n=-1") == 100, "n=-1: 100, not 1");
	ok(window_parse("n=-0") == 100, "n=-0: 100");
	ok(window_parse("n=%2B") == 100, "n=+ alone: 100");
	ok(window_parse("n=%2B%2B5") == 100, "n=++5: 100");
	ok(window_parse("n=5%2B") == 100, "n=5+: 100");
	ok(window_parse("n=1%202") == 100, "a blank inside: 100");
	ok(window_parse("n=%EF%BC%95") == 100, "a fullwidth digit: 100");
	ok(window_parse("n=%FF5") == 100, "a byte that is not UTF-8: 100");

	/* all, any case, trimmed. */
	ok(window_parse("n=all") == 0, "n=all: no limit");
	ok(window_parse("n=ALL") == 0, "n=ALL");
	ok(window_parse("n=aLl") == 0, "n=aLl");
	ok(window_parse("n=alll") == 100, "n=alll: 100");
	ok(window_parse("n=al") == 100, "n=al: 100");
	ok(window_parse("n=%20all%20") == 0, "n=%%20all%%20: trimmed");
	ok(window_parse("n=%09all") == 0, "a tab before: trimmed");
	ok(window_parse("n=+all+") == 0, "'+' is a space: trimmed");
	ok(window_parse("n=%C2%A0all%E2%80%A8") == 0,
	    "U+00A0 and U+2028 are trimmed");
	ok(window_parse("n=%E3%80%80all%EF%BB%BF") == 0,
	    "U+3000 and U+FEFF are trimmed");
	ok(window_parse("n=%61ll") == 0, "a percent-encoded letter");

	/* Numbers: an optional '+', ASCII digits, clamped. */
	ok(window_parse("n=0") == 1, "n=0: 1");
	ok(window_parse("n=1") == 1, "n=1");
	ok(window_parse("n=007") == 7, "n=007: 7");
	ok(window_parse("n=0100") == 100, "n=0100: 100");
	ok(window_parse("n=%2B5") == 5, "n=%%2B5 (+5): 5");
	ok(window_parse("n=+5") == 5, "n=+5 (a space and 5): 5");
	ok(window_parse("n=%205") == 5, "n=%%205: 5");
	ok(window_parse("n=5%20") == 5, "n=5%%20: 5");
	ok(window_parse("n=999") == 999, "n=999");
	ok(window_parse("n=1000") == 1000, "n=1000");
	ok(window_parse("n=1001") == 1000, "n=1001: 1000");
	ok(window_parse("n=4294967295") == 1000, "n=2^32-1: 1000");
	ok(window_parse("n=4294967296") == 100, "n=2^32: 100");
	ok(window_parse("n=99999999999") == 100, "n=99999999999: 100");
	ok(window_parse("n=99999999999999999999999999") == 100,
	    "a huge n: 100");
	ok(window_parse("n=0000000000000000000000005") == 5,
	    "leading zeros do not count");

	/* Which n. */
	ok(window_parse("n=5&n=7") == 5, "the first n counts");
	ok(window_parse("n&n=5") == 100, "the first n, even empty");
	ok(window_parse("a=1&&n=5") == 5, "empty pairs are skipped");
	ok(window_parse("%6E=5") == 5, "a percent-encoded name");
	ok(window_parse("n%3D5=7") == 100, "a name with '=' in it is not n");
	return done_testing();
}
